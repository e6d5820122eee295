"""ASGI middleware that resolves the session, the CSRF token and the language for every request."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from functools import cache

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.accounts.services import actor_from_row
from export_mgmt.accounts.sessions import load_session
from export_mgmt.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, negotiate, set_locale
from export_mgmt.settings import get_settings

SESSION_COOKIE = "em_session"
ANON_COOKIE = "em_anon"
LOCALE_COOKIE = "em_lang"
SKIP_PREFIXES = ("/static/",)


def csrf_token_for(seed: str) -> str:
    """The token is bound to the session (or the anonymous visitor), so a new session makes old forms stale."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_token(state: dict) -> str:
    """The request's CSRF token (see csrf_token_for), from the seed SessionMiddleware left in the state."""
    token = state.get("csrf_token")
    if token is None:
        seed = state.get("csrf_seed")
        token = state["csrf_token"] = csrf_token_for(seed) if seed else ""
    return token


def cookie_header(name: str, value: str, max_age: int | None = None) -> str:
    settings = get_settings()
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if settings.secure_cookies:
        parts.append("Secure")
    return "; ".join(parts)


def _cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, split as browsers send them (`a=1; b=2`), a quoted value unquoted; a piece without
    a name or "=" is skipped. (http.cookies.SimpleCookie, used before, cost about 30 µs a request in regular
    expressions and Morsel objects, a tenth of a small API request, and dropped every cookie when one was odd.)"""
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: dict[str, str] = {}
            for piece in value.decode("latin-1").split(";"):
                key, equals, text = piece.partition("=")
                key, text = key.strip(), text.strip()
                if equals and key:
                    jar[key] = text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text
            return jar
    return {}


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope) -> str:
    """The client's address: the connection's peer, unless the peer is a trusted proxy (TRUSTED_PROXIES).

    Behind trusted proxies, the nearest address in X-Forwarded-For that is not one of them: each proxy appends
    the address it was reached from, so whatever the client wrote into the header itself stays to the left of
    that and is never taken.
    """
    client = scope.get("client")
    peer = client[0] if client else ""
    proxies = get_settings().trusted_proxies
    if not proxies:
        return peer
    networks = _trusted_networks(proxies)
    if not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for name, value in scope.get("headers", []) if name == b"x-forwarded-for"
            for hop in value.decode("latin-1").split(",")]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # not an address: the proxy did not write it, so nothing nearer can be believed
    return peer


def _bearer(scope: Scope) -> str | None:
    value = _header(scope, b"authorization")
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip()
    return None


class SessionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def _token_request(self, scope: Scope, receive: Receive, send: Send, state: dict, token: str) -> None:
        """An agency's system calling the API: no cookies, so no CSRF; it acts as that agency's staff."""
        from export_mgmt.agencies.tokens import resolve_token

        found = await resolve_token(token)
        state["actor"] = None if found is None else Actor(
            id=0, username=f"api:{found['name']}"[:100], display_name=found["name"], role=Role.agency_staff,
            agency_id=found["agency_id"], client_address=client_address(scope))
        state["auth"] = "token"
        state["session_token"] = None
        state["csrf_token"] = ""
        state["locale"] = negotiate(_header(scope, b"accept-language")) or DEFAULT_LOCALE
        set_locale(state["locale"])
        await self.app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        bearer = _bearer(scope) if scope["path"].startswith("/api/") else None
        if bearer is not None:
            await self._token_request(scope, receive, send, state, bearer)
            return
        cookies = _cookies(scope)
        set_cookies: list[str] = []
        actor, token = None, cookies.get(SESSION_COOKIE)
        if token:
            found = await load_session(token)
            if found:
                actor = actor_from_row(found.user, client_address(scope))
                state["session_id"] = found.session_id
            else:
                token = None
                set_cookies.append(cookie_header(SESSION_COOKIE, "", max_age=0))
        anon = cookies.get(ANON_COOKIE)
        if not anon and token is None:
            # A visitor without a live session gets an anonymous id, to which the forms' CSRF token is bound
            # (the login form, the public complaint form). Signed in, the session is the seed instead: no new
            # cookie on every request of an API client that keeps only its session cookie.
            anon = secrets.token_urlsafe(18)
            set_cookies.append(cookie_header(ANON_COOKIE, anon))
        state["actor"] = actor
        if actor is not None and scope.get("method") == "GET" and not scope["path"].startswith("/api/"):
            # The badge beside "Notifications" on every page: one indexed count.
            from export_mgmt.notifications.services import unread_count

            state["unread"] = await unread_count(actor.id)
        state["session_token"] = token
        # Worked out when a form or the CSRF check asks for it (csrf_token()), not on every request.
        state["csrf_seed"] = token or f"anon:{anon}"
        chosen = (actor.locale if actor else None) or cookies.get(LOCALE_COOKIE)
        locale = chosen if chosen in SUPPORTED_LOCALES else negotiate(_header(scope, b"accept-language"))
        state["locale"] = locale or DEFAULT_LOCALE
        set_locale(state["locale"])

        if not set_cookies:  # most requests: no cookie to set, so no wrapper around send
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for value in set_cookies:
                    headers.add("set-cookie", value)
            await send(message)

        await self.app(scope, receive, send_with_cookies)
