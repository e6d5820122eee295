"""Account actions: signing in, changing passwords and managing users, each one audited transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass

from export_mgmt.accounts import sessions, throttle
from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.accounts.passwords import dummy_hash, hash_password, password_problem, verify_password
from export_mgmt.accounts.tables import AppUser
from export_mgmt.agencies.tables import Agency
from export_mgmt.audit import services as audit
from export_mgmt.db import is_unique_violation, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import SUPPORTED_LOCALES, _
from export_mgmt.regions import is_shenyang_county
from export_mgmt.settings import get_settings

USER_FIELDS = ("username", "display_name", "role", "county_code", "agency", "locale", "email", "active")
# Where notifications are mailed: plausible, not proven (only a delivered message proves an address).
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX = 200


def actor_from_row(user: dict, client_address: str = "") -> Actor:
    return Actor(
        id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        role=user["role"],
        county_code=user["county_code"],
        agency_id=user["agency"],
        locale=user["locale"],
        client_address=client_address,
    )


@dataclass(frozen=True)
class LoginResult:
    token: str
    actor: Actor


async def authenticate(username: str, password: str, client_address: str, user_agent: str,
                       previous_token: str | None = None) -> LoginResult:
    """Check the credentials and open a new session (a new ID every time: no session fixation).

    The browser's previous session, if any, ends in the same transaction.
    """
    username = username.strip().lower()
    if await throttle.is_throttled(username, client_address):
        raise FormErrors({"": _("Too many failed sign-in attempts. Wait %(n)s minutes and try again.",
                                n=get_settings().login_window_minutes)})
    rows = await AppUser.select().where(AppUser.username == username)
    user = rows[0] if rows else None
    ok = await verify_password(user["password_hash"] if user else dummy_hash(), password)
    if not user or not ok or not user["active"]:
        await _note_failed_sign_in(username, user, client_address)
        raise FormErrors({"": _("Wrong user name or password.")})
    actor = actor_from_row(user, client_address)
    async with write_transaction():
        await throttle.clear_failures(username)
        if previous_token:
            await sessions.end_session(previous_token)
        token = await sessions.create_session(user["id"], client_address, user_agent)
        await AppUser.update({AppUser.last_login_at: sessions.utcnow()}).where(AppUser.id == user["id"])
        await audit.record(actor, "user", user["id"], "login")
    return LoginResult(token=token, actor=actor)


async def _note_failed_sign_in(username: str, user: dict | None, client_address: str) -> None:
    """Counted for throttling and written to the audit trail, in one transaction. The name typed is kept in the
    trail only when it is an account's: people type their password into the name field. (Refusals while throttled
    write nothing, so a flood of them cannot fill the database.)"""
    who = Actor(id=0, username=username if user else "", display_name="", role="", client_address=client_address)
    async with write_transaction():
        await throttle.record_failure(username, client_address)
        await audit.record(who, "user", user["id"] if user else "", "login_failed",
                           {} if user else {"account": [None, "unknown"]})


async def logout(actor: Actor | None, token: str) -> None:
    async with write_transaction():
        await sessions.end_session(token)
        if actor:
            await audit.record(actor, "user", actor.id, "logout")


async def change_password(actor: Actor, session_id: int, current: str, new: str, confirm: str) -> None:
    rows = await AppUser.select(AppUser.password_hash).where(AppUser.id == actor.id)
    if not rows or not await verify_password(rows[0]["password_hash"], current):
        raise FormErrors({"current_password": _("The current password is wrong.")})
    errors = _new_password_errors(new, confirm, actor.username)
    if errors:
        raise FormErrors(errors)
    new_hash = await hash_password(new)
    async with write_transaction():
        await AppUser.update({
            AppUser.password_hash: new_hash,
            AppUser.password_changed_at: sessions.utcnow(),
            AppUser.version: AppUser.version + 1,
        }).where(AppUser.id == actor.id)
        # Whoever else held a session on this account is signed out.
        await sessions.end_user_sessions(actor.id, keep_session_id=session_id)
        await audit.record(actor, "user", actor.id, "password_changed")


def _new_password_errors(new: str, confirm: str, username: str) -> dict[str, str]:
    problem = password_problem(new, username)
    if problem:
        return {"new_password": problem}
    if new != confirm:
        return {"confirm_password": _("The two passwords differ.")}
    return {}


async def set_locale(actor: Actor, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES or locale == actor.locale:
        return
    async with write_transaction():
        await AppUser.update({AppUser.locale: locale}).where(AppUser.id == actor.id)
        await audit.record(actor, "user", actor.id, "locale_changed", {"locale": [actor.locale, locale]})


# ---- user administration (city administrators) ----

@dataclass
class UserInput:
    username: str = ""
    display_name: str = ""
    role: str = ""
    county_code: str = ""
    agency_id: str = ""
    active: bool = True
    password: str = ""
    email: str = ""


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied()


async def _validate_user(data: UserInput, creating: bool, stored_username: str = "") -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    username = stored_username or data.username.strip().lower()
    if creating:
        if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
            errors["username"] = _("Use 1–64 letters, digits, dots, hyphens or underscores.")
    display_name = data.display_name.strip()
    if not display_name or len(display_name) > 100:
        errors["display_name"] = _("Enter a name of at most 100 characters.")
    if data.role not in {r.value for r in Role}:
        errors["role"] = _("Choose a role.")
    county_code = data.county_code.strip() or None
    agency_id = int(data.agency_id) if data.agency_id.strip().isdigit() else None
    if data.role == Role.county_clerk:
        if not county_code or not is_shenyang_county(county_code):
            errors["county_code"] = _("A county clerk must be bound to one county.")
    else:
        county_code = None
    if data.role == Role.agency_staff:
        if agency_id is None or not await Agency.exists().where(Agency.id == agency_id):
            errors["agency_id"] = _("Agency staff must be bound to one agency.")
    else:
        agency_id = None
    email = data.email.strip()
    if len(email) > EMAIL_MAX:
        errors["email"] = _("At most %(n)s characters.", n=EMAIL_MAX)
    elif email and not EMAIL.match(email):
        errors["email"] = _("Enter an e-mail address such as name@example.com.")
    if creating or data.password:
        problem = password_problem(data.password, username)
        if problem:
            errors["password"] = problem
    values = {"username": username, "display_name": display_name, "role": data.role,
              "county_code": county_code, "agency": agency_id, "email": email, "active": data.active}
    return values, errors


async def create_user(actor: Actor, data: UserInput) -> int:
    _require_admin(actor)
    values, errors = await _validate_user(data, creating=True)
    if errors:
        raise FormErrors(errors)
    password_hash = await hash_password(data.password)
    try:
        async with write_transaction():
            if await AppUser.exists().where(AppUser.username == values["username"]):
                raise FormErrors({"username": _("This user name is taken.")})
            rows = await AppUser.insert(AppUser(password_hash=password_hash, **values)).returning(AppUser.id)
            user_id = rows[0]["id"]
            await audit.record(actor, "user", user_id, "created", audit.diff({}, values))
    except Exception as exc:
        if is_unique_violation(exc):
            raise FormErrors({"username": _("This user name is taken.")}) from exc
        raise
    return user_id


async def update_user(actor: Actor, user_id: int, data: UserInput, session_id: int | None = None) -> None:
    """session_id: the administrator's own session, kept when they change their own account."""
    _require_admin(actor)
    stored = await AppUser.select(AppUser.username).where(AppUser.id == user_id).first()
    if stored is None:
        raise RecordNotFound()
    values, errors = await _validate_user(data, creating=False, stored_username=stored["username"])
    if errors:
        raise FormErrors(errors)
    values.pop("username")
    if user_id == actor.id and (not values["active"] or values["role"] != Role.admin):
        raise FormErrors({"": _("You cannot demote or deactivate your own account.")})
    new_hash = await hash_password(data.password) if data.password else None
    async with write_transaction():
        rows = await AppUser.select().where(AppUser.id == user_id)
        if not rows:
            raise RecordNotFound()
        before = rows[0]
        update = {getattr(AppUser, k): v for k, v in values.items()}
        changes = audit.diff(before, values)
        if new_hash:
            update[AppUser.password_hash] = new_hash
            update[AppUser.password_changed_at] = sessions.utcnow()
            changes["password"] = ["***", "***"]
        update[AppUser.version] = AppUser.version + 1
        update[AppUser.updated_at] = sessions.utcnow()
        await AppUser.update(update).where(AppUser.id == user_id)
        if new_hash or not values["active"] or values["role"] != before["role"]:
            await sessions.end_user_sessions(user_id, keep_session_id=session_id if user_id == actor.id else None)
        await audit.record(actor, "user", user_id, "updated", changes)


async def list_users(actor: Actor) -> list[dict]:
    _require_admin(actor)
    return await AppUser.select(
        *AppUser.all_columns(exclude=[AppUser.password_hash]), AppUser.agency.name.as_alias("agency_name")
    ).order_by(AppUser.username)


async def get_user(actor: Actor, user_id: int) -> dict:
    _require_admin(actor)
    rows = await AppUser.select(*AppUser.all_columns(exclude=[AppUser.password_hash])).where(
        AppUser.id == user_id
    )
    if not rows:
        raise RecordNotFound()
    return rows[0]


async def list_agencies() -> list[dict]:
    return await Agency.select(Agency.id, Agency.name, Agency.county_code).order_by(Agency.name)


async def create_admin(username: str, password: str, display_name: str) -> int:
    """First administrator, from the command line (no actor yet)."""
    problem = password_problem(password, username)
    if problem:
        raise FormErrors({"password": problem})
    username = username.strip().lower()
    password_hash = await hash_password(password)
    async with write_transaction():
        if await AppUser.exists().where(AppUser.username == username):
            raise FormErrors({"username": _("This user name is taken.")})
        rows = await AppUser.insert(AppUser(
            username=username, display_name=display_name, password_hash=password_hash, role=Role.admin,
        )).returning(AppUser.id)
        await audit.record(None, "user", rows[0]["id"], "created",
                           {"username": [None, username], "role": [None, "admin"]})
    return rows[0]["id"]
