"""The export-mgmt command line: serve, migrate, create-admin, demo, scheduler, import-workers, backup, restore,
bench."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from export_mgmt.settings import get_settings


def _run(coro) -> None:
    asyncio.run(coro)


async def _with_db(action) -> None:
    from export_mgmt import db

    await db.start()
    try:
        await action()
    finally:
        await db.stop()


def _exit_with(execute) -> None:
    """Run a command's coroutine against the database and exit with the status it returns."""
    codes: list[int] = []

    async def action() -> None:
        codes.append(await execute())

    _run(_with_db(action))
    if codes and codes[0]:
        sys.exit(codes[0])


def cmd_migrate(_: argparse.Namespace) -> None:
    from export_mgmt.schema import migrate

    _run(_with_db(lambda: migrate(quiet=False)))
    print("Database is up to date.")


def cmd_create_admin(args: argparse.Namespace) -> None:
    from export_mgmt.accounts.services import create_admin
    from export_mgmt.errors import FormErrors
    from export_mgmt.schema import migrate

    password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password: ")

    async def action() -> None:
        await migrate()
        await create_admin(args.username, password, args.display_name or args.username)

    try:
        _run(_with_db(action))
    except FormErrors as exc:
        sys.exit("; ".join(exc.errors.values()))
    print(f"Administrator {args.username} created.")


def cmd_demo(_: argparse.Namespace) -> None:
    from export_mgmt.demo import load_demo
    from export_mgmt.schema import migrate

    async def action() -> None:
        await migrate()
        await load_demo()

    _run(_with_db(action))


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from export_mgmt.logs import access_log_config

    if args.proxy_headers and not os.environ.get("TRUSTED_PROXIES"):
        # The flag alone keeps its old meaning: a proxy on this machine.
        os.environ["TRUSTED_PROXIES"] = "127.0.0.1,::1"
        get_settings.cache_clear()
    settings = get_settings()
    if not settings.is_postgres:
        # One county PC: bring the file up to date. On PostgreSQL run `migrate` once, deliberately.
        cmd_migrate(args)
    print(f"Serving on http://{args.host}:{args.port}")
    uvicorn.run("export_mgmt.asgi:app", host=args.host, port=args.port, workers=args.workers,
                # uvicorn believes X-Forwarded-For from the same proxies as the application, so its access log
                # shows the same client addresses as the audit trail; from nobody's when none is configured.
                proxy_headers=bool(settings.trusted_proxies),
                forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
                log_config=access_log_config(), log_level="info")


def cmd_scheduler(_: argparse.Namespace) -> None:
    from scheduler.main import run

    run()


def cmd_import_workers(args: argparse.Namespace) -> None:
    from export_mgmt.workers.imports.command import execute

    _exit_with(lambda: execute(args.file, args.county, valid_only=args.valid_only, report=args.report,
                               locale=args.locale))


def cmd_backup(args: argparse.Namespace) -> None:
    from export_mgmt.operations.backups.command import execute_backup

    _exit_with(lambda: execute_backup(args.file, locale=args.locale))


def cmd_restore(args: argparse.Namespace) -> None:
    from export_mgmt.operations.backups.command import execute_restore

    _exit_with(lambda: execute_restore(args.file, yes=args.yes, locale=args.locale))


def cmd_bench(args: argparse.Namespace) -> None:
    from export_mgmt.bench.command import run

    status = run(args)
    if status:
        sys.exit(status)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="export-mgmt", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust X-Forwarded-For from the proxies in TRUSTED_PROXIES (default: this machine's)")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    admin = sub.add_parser("create-admin", help="create a city administrator (password from ADMIN_PASSWORD "
                                                "or prompted)")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="")
    admin.set_defaults(func=cmd_create_admin)
    sub.add_parser("demo", help="migrate and load the demo data set").set_defaults(func=cmd_demo)
    sub.add_parser("scheduler", help="run the background job scheduler").set_defaults(func=cmd_scheduler)
    imports = sub.add_parser("import-workers", help="import workers from an Excel workbook (.xlsx) into one county; "
                                                    "exit status 1 when nothing was imported because of row errors, "
                                                    "2 when the file was refused")
    imports.add_argument("file", help="the workbook, laid out like the template at /workers/import/template.xlsx")
    imports.add_argument("--county", required=True, help="county code, e.g. 210115; rows for another county are errors")
    imports.add_argument("--valid-only", action="store_true",
                         help="import the valid rows and skip the others (default: all or nothing)")
    imports.add_argument("--report", help="write the per-row error report to this .xlsx file")
    imports.add_argument("--locale", choices=("zh_CN", "en"), help="language of the messages (default zh_CN)")
    imports.set_defaults(func=cmd_import_workers)
    backup = sub.add_parser("backup", help="back up the database while the application runs (SQLite: a copy of the "
                                           "file; PostgreSQL: pg_dump's custom format); exit status 2 on failure")
    backup.add_argument("file", nargs="?", help="the new backup file (default: DATA_DIR/backups/export-mgmt-<local "
                                                "time>.sqlite3 or .dump)")
    backup.add_argument("--locale", choices=("zh_CN", "en"), help="language of the messages (default zh_CN)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="check a backup and, with --yes, replace the database with it (the "
                                             "database as it was is backed up first); exit status 1 when not "
                                             "confirmed, 2 when refused or failed, nothing changed in either case")
    restore.add_argument("file", help="a file written by `export-mgmt backup` on the same engine")
    restore.add_argument("--yes", action="store_true", help="do replace the database")
    restore.add_argument("--locale", choices=("zh_CN", "en"), help="language of the messages (default zh_CN)")
    restore.set_defaults(func=cmd_restore)
    from export_mgmt.bench.command import add_arguments as bench_arguments

    bench = sub.add_parser("bench", help="run the benchmarks (each scenario against its raw-driver baseline) and "
                                         "print one table; --scale full for the scale the targets are set for")
    bench_arguments(bench)
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
