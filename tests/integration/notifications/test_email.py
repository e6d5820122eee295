"""E-mail copies of notifications through a real SMTP server on 127.0.0.1 (aiosmtpd): each once, in the
reader's language, and none marked sent unless the server took it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
import socket
from contextlib import contextmanager, suppress

import pytest
from aiosmtpd.controller import Controller

from export_mgmt.accounts.tables import AppUser
from export_mgmt.notifications.mailer import send_pending
from export_mgmt.notifications.tables import Notification
from export_mgmt.settings import get_settings
from tests.conftest import create_user

PARAMS = json.dumps({"number": "LIC-2026-007", "agency": "甲劳务公司", "date": "2026-07-19"}, ensure_ascii=False)


class Collector:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(port: int):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(port):
    return dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                               smtp_user="", smtp_from="bureau@example.org",
                               public_url="https://export.example.org/")


async def add_user(username: str, email_address: str, locale: str | None = None) -> int:
    user_id = await create_user(username, "agency_staff", locale=locale)
    await AppUser.update({AppUser.email: email_address}).where(AppUser.id == user_id)
    return user_id


async def notify(user_id: int, key: str = "licence-60:7", created_at: dt.datetime | None = None) -> int:
    values = dict(user=user_id, kind="licence_expiring", key=key, params=PARAMS, link="/agencies/7")
    if created_at:
        values["created_at"] = created_at
    rows = await Notification.insert(Notification(**values)).returning(Notification.id)
    return rows[0]["id"]


async def emailed() -> dict[int, bool]:
    return {r["id"]: r["emailed_at"] is not None
            for r in await Notification.select(Notification.id, Notification.emailed_at)}


async def test_notifications_are_mailed_once_in_each_readers_language(settings, port):
    english = await notify(await add_user("alice", "alice@example.org", locale="en"))
    chinese = await notify(await add_user("wang", "wang@example.org"))
    unmailed = await notify(await add_user("nomail", ""))

    with smtp_server(port) as server:
        assert await send_pending(settings) == 2
        assert await send_pending(settings) == 0
    assert len(server.messages) == 2
    by_recipient = {rcpt[0]: message for rcpt, message in server.messages}
    assert set(by_recipient) == {"alice@example.org", "wang@example.org"}

    en = by_recipient["alice@example.org"]
    assert en["To"] == "alice@example.org" and en["From"] == "bureau@example.org"
    assert en["Subject"] == "Labour Export Management: Licence LIC-2026-007 of 甲劳务公司 expires on Jul 19, 2026."
    assert en.get_content().replace("\r\n", "\n") == ("Licence LIC-2026-007 of 甲劳务公司 expires on Jul 19, 2026.\n\n"
                                "https://export.example.org/agencies/7\n")

    zh = by_recipient["wang@example.org"]
    assert zh["To"] == "wang@example.org"
    # No preference: the bureau's language, Chinese, with dates written the Chinese way.
    assert zh["Subject"].startswith("劳务输出管理系统: ")
    assert "2026年7月19日" in zh["Subject"] and "2026年7月19日" in zh.get_content()
    assert "Jul 19" not in zh.get_content()
    assert zh.get_content().rstrip().endswith("https://export.example.org/agencies/7")

    assert await emailed() == {english: True, chinese: True, unmailed: False}


async def test_nothing_is_marked_sent_while_the_server_is_down(settings, port):
    first = await notify(await add_user("alice", "alice@example.org", locale="en"))
    second = await notify(await add_user("bob", "bob@example.org", locale="en"))

    with pytest.raises(OSError):  # nobody listens on the port
        await send_pending(settings)
    assert await emailed() == {first: False, second: False}

    with smtp_server(port) as server:
        assert await send_pending(settings) == 2
    assert sorted(rcpt[0] for rcpt, _ in server.messages) == ["alice@example.org", "bob@example.org"]
    assert await emailed() == {first: True, second: True}


class RefusingOne(Collector):
    """A server that has no mailbox for bad@example.org."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address == "bad@example.org":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_a_refused_address_neither_blocks_nor_repeats_the_others(settings, port):
    """A message the server accepted is marked sent even when another in the same run is refused: the next run
    must not send it again, and the good addresses after the bad one are not held up behind it."""
    before = await notify(await add_user("alice", "alice@example.org", locale="en"))
    await notify(await add_user("mallory", "bad@example.org", locale="en"))
    after = await notify(await add_user("bob", "bob@example.org", locale="en"))

    collector = RefusingOne()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for _ in range(2):
            with suppress(Exception):  # whether a run reports the refusal is not the point here
                await send_pending(settings)
    finally:
        controller.stop()
    received = sorted(rcpt[0] for rcpt, _ in collector.messages)
    assert received == ["alice@example.org", "bob@example.org"]
    sent = await emailed()
    # What becomes of the refused one (tried again, or set aside) is the mailer's choice.
    assert (sent[before], sent[after]) == (True, True)


async def test_old_notifications_and_unconfigured_smtp_send_nothing(settings, port):
    old = await notify(await add_user("alice", "alice@example.org", locale="en"), key="old",
                       created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    with smtp_server(port) as server:
        assert await send_pending(settings) == 0
        recent = await notify(await add_user("bob", "bob@example.org", locale="en"))
        assert await send_pending(dataclasses.replace(settings, smtp_host="")) == 0
        assert await send_pending(settings) == 1
    assert [rcpt for rcpt, _ in server.messages] == [["bob@example.org"]]
    assert await emailed() == {old: False, recent: True}
