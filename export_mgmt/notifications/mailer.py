"""E-mail copies of notifications, sent by a scheduler sweep when SMTP is configured.

The notification row is the outbox: a message is marked sent only after the server accepted it, so a failed
run is simply retried by the next one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

from export_mgmt.clock import utcnow
from export_mgmt.i18n import DEFAULT_LOCALE, get_locale, gettext, set_locale
from export_mgmt.notifications.services import render
from export_mgmt.notifications.tables import Notification
from export_mgmt.settings import Settings, get_settings

log = logging.getLogger("export_mgmt.mail")
BATCH = 200
# A notification older than this when SMTP is first configured is not mailed out of the blue.
MAX_AGE = dt.timedelta(days=2)


def _message(settings: Settings, row: dict) -> EmailMessage:
    locale = row["locale"] or DEFAULT_LOCALE
    previous = get_locale()
    set_locale(locale)
    try:
        text = render(row["kind"], row["params"])
        subject = gettext("Labour Export Management") + ": " + text[:60]
        link = f"{settings.public_url.rstrip('/')}{row['link']}" if settings.public_url and row["link"] else ""
    finally:
        set_locale(previous)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row["email"]
    message["Subject"] = subject
    message.set_content(text + ("\n\n" + link if link else "") + "\n")
    return message


def _send_all(settings: Settings, messages: list[tuple[int, EmailMessage]]) -> list[int]:
    """Blocking SMTP in a worker thread; returns the ids that are done with.

    A message the server refuses for good (a bad address) is done with too, and logged: retrying it every few
    minutes would not help, and it must not hold up the others. If the connection fails part-way, what was
    already accepted is returned, so only the rest is tried again on the next run.
    """
    done: list[int] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for notification_id, message in messages:
                try:
                    smtp.send_message(message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    log.warning("notification %s refused by the mail server: %s", notification_id, exc)
                done.append(notification_id)
    except (OSError, smtplib.SMTPException):
        if not done:
            raise
        log.exception("mail server connection lost after %s messages", len(done))
    return done


async def send_pending(settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    if not settings.smtp_host:
        return 0
    rows = await Notification.select(
        Notification.id, Notification.kind, Notification.params, Notification.link,
        Notification.user.email.as_alias("email"), Notification.user.locale.as_alias("locale"),
    ).where(Notification.emailed_at.is_null() & (Notification.user.email != "")
            & (Notification.created_at >= utcnow() - MAX_AGE)).order_by(Notification.id).limit(BATCH)
    if not rows:
        return 0
    messages = [(row["id"], _message(settings, row)) for row in rows]
    sent = await asyncio.to_thread(_send_all, settings, messages)
    if sent:
        await Notification.update({Notification.emailed_at: utcnow()}).where(Notification.id.is_in(sent))
    return len(sent)
