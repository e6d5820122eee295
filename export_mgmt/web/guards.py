"""Guards and dependencies that give handlers the signed-in actor."""

from __future__ import annotations

from types import MethodType

from litestar import Litestar, Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler

from export_mgmt.accounts.actor import Actor, Role


def current_actor(connection: ASGIConnection) -> Actor | None:
    return connection.scope.get("state", {}).get("actor")


# Guards are coroutines although they never wait: Litestar runs a plain function guard in a worker thread
# (anyio.to_thread), a thread trip on every request that cost more than the guard's work many times over.


async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if current_actor(connection) is None:
        raise NotAuthorizedException()


def requires_role(*roles: Role):
    allowed = {r.value for r in roles}

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await requires_login(connection, handler)
        if current_actor(connection).role not in allowed:  # type: ignore[union-attr]
            raise PermissionDeniedException()

    guard.__name__ = "requires_" + "_or_".join(sorted(allowed))
    return guard


requires_admin = requires_role(Role.admin)


async def provide_actor(request: Request) -> Actor:
    actor = current_actor(request)
    if actor is None:
        raise NotAuthorizedException()
    return actor


# Handlers declare `actor: CurrentActor` to receive the signed-in person.
CurrentActor = NamedDependency[Actor]


async def _authorize(handler: HTTPRouteHandler, connection: ASGIConnection) -> None:
    for guard in handler.resolve_guards():
        await guard(connection, handler)  # type: ignore[misc]


def hand_guards_the_handler_itself(app: Litestar) -> None:
    """Litestar gives every guard call a copy of the route handler, in case the guard changes it: copy() of a
    handler is about 50 µs, more than everything else a small API request does in the application. The guards
    here only read the connection, so each route handler whose guards are all this application's hands them
    itself instead: the same guards, in the same order, on every request. Only the handlers made by @get, @post
    and the like, which GET, POST, PUT and DELETE requests reach; the OPTIONS handlers Litestar adds keep their
    copies (their class has slots, so it takes no method of its own; they answer preflight requests only)."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            guards = handler.resolve_guards() if hasattr(handler, "__dict__") else ()
            if guards and all(getattr(g, "__module__", "").startswith("export_mgmt.") for g in guards):
                handler.authorize_connection = MethodType(_authorize, handler)  # type: ignore[method-assign]
