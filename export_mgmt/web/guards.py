"""Guards and dependencies that give handlers the signed-in actor."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler

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
