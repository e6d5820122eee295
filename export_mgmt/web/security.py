"""Security headers on every response: no framing, no sniffing, only our own scripts and styles, nothing stored."""

from __future__ import annotations

from litestar.types import Message, Scope

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


# Pages show workers' identity numbers, complaints and the like: no browser or proxy may keep a copy (the shared
# county office PC's back button, a proxy's cache). A response that says how it may be cached keeps its own
# Cache-Control; the static files (scripts, styles, images: no personal data) are left to be cached.
NO_STORE = (b"cache-control", b"no-store")
STATIC_PREFIX = "/static/"

# As ASGI wants them (lower-case bytes), made once: this runs on every response.
_ENCODED = [(name.encode(), value.encode()) for name, value in HEADERS.items()]
_WITHOUT_CSP = [(name, value) for name, value in _ENCODED if name != b"content-security-policy"]
_PAGES, _SCHEMA_VIEWER = [*_ENCODED, NO_STORE], [*_WITHOUT_CSP, NO_STORE]


def headers_for(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every response to `path` carries (the page benchmark's baseline sends the same)."""
    if path.startswith(STATIC_PREFIX):
        return _ENCODED
    # The OpenAPI viewer pages load their own scripts.
    return _SCHEMA_VIEWER if path.startswith("/api/schema") else _PAGES


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A before-send hook rather than a middleware: Litestar runs middleware only for requests that reach a route
    handler, so an address no route matches (404) or a method a route lacks (405) would be answered without them."""
    if message["type"] != "http.response.start":
        return
    extra = headers_for(scope["path"])
    headers = list(message.get("headers", ()))
    present = {name.lower() for name, _value in headers}
    headers.extend(item for item in extra if item[0] not in present)
    message["headers"] = headers
