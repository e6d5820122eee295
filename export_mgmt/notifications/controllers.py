"""The reader's own notifications: the list, opening one (marks it read) and marking all read."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.notifications import services
from export_mgmt.web.forms import safe_next
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context

# The newest this many are listed; older ones stay stored (and count in the badge while unread).
LIMIT = 200


class NotificationPages(Controller):
    path = "/notifications"
    guards = [requires_login]
    tags = ["notifications"]
    include_in_schema = False

    @get("/")
    async def list_notifications(self, request: Request, actor: CurrentActor, unread: FromQuery[str] = "") -> Template:
        unread_only = unread == "1"
        items = await services.for_user(actor, unread_only=unread_only, limit=LIMIT)
        return Template("notifications/list.html", context=page_context(
            request, items=items, unread_only=unread_only, limit=LIMIT))

    @post("/{notification_id:int}/open")
    async def open_notification(self, actor: CurrentActor, notification_id: FromPath[int]) -> Redirect:
        """Only the reader's own: someone else's number marks nothing and leads back to the list."""
        await services.mark_read(actor, notification_id)
        return Redirect(safe_next(await services.link_of(actor, notification_id), "/notifications/"))

    @post("/read-all")
    async def read_all(self, actor: CurrentActor) -> Redirect:
        await services.mark_read(actor)
        return Redirect("/notifications/")
