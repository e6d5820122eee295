"""create_app(): the one place where the application is wired together."""

from __future__ import annotations

import asyncio
import gc

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from export_mgmt import db, logs
from export_mgmt.accounts.admin import UserAdminController
from export_mgmt.accounts.api import SessionApi
from export_mgmt.accounts.controllers import AccountController, SessionController
from export_mgmt.agencies.routes import ROUTES as AGENCY_ROUTES
from export_mgmt.audit.controllers import AuditController
from export_mgmt.complaints.routes import ROUTES as COMPLAINT_ROUTES
from export_mgmt.dashboards.routes import ROUTES as DASHBOARD_ROUTES
from export_mgmt.employers.routes import ROUTES as EMPLOYER_ROUTES
from export_mgmt.followups.routes import ROUTES as FOLLOWUP_ROUTES
from export_mgmt.inspections.routes import ROUTES as INSPECTION_ROUTES
from export_mgmt.notifications.routes import ROUTES as NOTIFICATION_ROUTES
from export_mgmt.operations.routes import ROUTES as OPERATION_ROUTES
from export_mgmt.placements.routes import ROUTES as PLACEMENT_ROUTES
from export_mgmt.ratings.routes import ROUTES as RATING_ROUTES
from export_mgmt.reports.routes import ROUTES as REPORT_ROUTES
from export_mgmt.settings import Settings, get_settings
from export_mgmt.targets.routes import ROUTES as TARGET_ROUTES
from export_mgmt.web.csrf import verify_csrf
from export_mgmt.web.errors import EXCEPTION_HANDLERS, document_api_errors
from export_mgmt.web.guards import hand_guards_the_handler_itself, provide_actor
from export_mgmt.web.home import HomeController
from export_mgmt.web.security import add_security_headers
from export_mgmt.web.session import SessionMiddleware
from export_mgmt.web.templating import template_config
from export_mgmt.workdays.routes import ROUTES as WORKDAY_ROUTES
from export_mgmt.workers.api import WorkerApi
from export_mgmt.workers.controllers import WorkerPages
from export_mgmt.workers.import_pages import WorkerImportPages
from export_mgmt.workers.imports import jobs as import_jobs
from export_mgmt.workers.imports import judging

# Every request body but the uploads' (which set their own: uploads.UPLOAD_BODY_BYTES, the workbook import's):
# forms and JSON are a few kilobytes, so a larger body is refused (413) before it is read into memory.
MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None, manage_database: bool = True) -> Litestar:
    """manage_database=False leaves the connection pool to the caller (the test suite shares one)."""
    settings = settings or get_settings()

    scheduler = None

    async def on_startup() -> None:
        nonlocal scheduler
        # Whichever way the server was started (`export-mgmt serve` already did this), its log handlers mask
        # identity numbers.
        logs.install()
        await db.start()
        if settings.run_scheduler_in_web:
            # A single county PC may run the jobs inside the web process (RUN_SCHEDULER_IN_WEB=1) instead of
            # its own `export-mgmt scheduler` process; run one web worker then.
            from scheduler.main import start_scheduler

            scheduler = await start_scheduler()
        # Everything loaded so far (the application, its templates' environment, Babel's and the region tables'
        # data: some 140,000 objects) lives as long as the server. Frozen, it is left out of the garbage
        # collector's full collections, which otherwise traverse it all: 70–80 ms with every request waiting,
        # several times a minute under load (the record page's p99 was 42 ms against 16 for the same work
        # without the application's objects).
        gc.freeze()

    async def on_shutdown() -> None:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        # The Excel import's processes, if a large import started them.
        await asyncio.to_thread(import_jobs.shutdown)
        await asyncio.to_thread(judging.shutdown)
        await db.stop()

    app = Litestar(
        route_handlers=[
            HomeController, SessionController, AccountController, UserAdminController, AuditController,
            WorkerPages, WorkerImportPages, WorkerApi, SessionApi, *AGENCY_ROUTES, *EMPLOYER_ROUTES, *PLACEMENT_ROUTES,
            *FOLLOWUP_ROUTES, *INSPECTION_ROUTES, *NOTIFICATION_ROUTES, *OPERATION_ROUTES, *WORKDAY_ROUTES,
            *COMPLAINT_ROUTES, *REPORT_ROUTES, *RATING_ROUTES, *TARGET_ROUTES, *DASHBOARD_ROUTES,
            create_static_files_router("/static", directories=[settings.static_dir], include_in_schema=False),
        ],
        dependencies={"actor": Provide(provide_actor)},
        middleware=[SessionMiddleware],
        before_send=[add_security_headers],
        before_request=verify_csrf,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        template_config=template_config(settings),
        openapi_config=OpenAPIConfig(
            title="export-mgmt API", version="1.0.0", path="/api/schema",
            components=Components(security_schemes={
                # Agencies' systems: a token issued by the city administrator on the agency's page.
                "agencyToken": SecurityScheme(type="http", scheme="bearer"),
                # People: the session cookie from POST /api/v1/session, plus its X-CSRF-Token on writes.
                "session": SecurityScheme(type="apiKey", name="em_session", security_scheme_in="cookie"),
            }),
            security=[{"agencyToken": []}, {"session": []}],
        ),
        on_startup=[on_startup] if manage_database else [],
        on_shutdown=[on_shutdown] if manage_database else [],
        request_max_body_size=MAX_BODY_BYTES,
        debug=settings.debug,
    )
    hand_guards_the_handler_itself(app)
    document_api_errors(app)
    return app
