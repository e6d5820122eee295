"""The server's logs (uvicorn's access log and the application's own messages) never hold a full identity number
or a password, whatever the journeys: sign-ins that fail, registrations, look-ups by number, imports, exports,
public complaints."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from export_mgmt.idnumber import mask
from export_mgmt.logs import MaskIdentityNumbers, install, mask_identity_numbers
from tests.conftest import PASSWORD, create_user, csrf_from, login
from tests.integration.workers.helpers import HEPING, LIAOZHONG, add_worker, number, submit_new
from tests.integration.workers.import_helpers import finished_page, upload, workbook
from tests.live_server import free_port, stop_process, wait_until_healthy

ROOT = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT_S = 60
REGISTERED = number(LIAOZHONG, seq=311)
LOOKED_UP = number(LIAOZHONG, seq=313)
ELSEWHERE = number(HEPING, seq=315)
IMPORTED = [number(LIAOZHONG, seq=317), number(LIAOZHONG, seq=319)]
COMPLAINANT = number(LIAOZHONG, seq=322)
WRONG_PASSWORD = "Wrong-horse-battery-42"
NEW_PASSWORD = "Another-secret-pass-77"
NUMBERS = [REGISTERED, LOOKED_UP, ELSEWHERE, *IMPORTED, COMPLAINANT]
SECRETS = [PASSWORD, WRONG_PASSWORD, NEW_PASSWORD]


@pytest.fixture
async def server(tmp_path):
    """`export-mgmt serve` on the suite's database (this test's own, cleaned before it): base URL and log file."""
    log_path = tmp_path / "server.log"
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RUN_SCHEDULER_IN_WEB": "0"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "export_mgmt.cli", "serve", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_healthy(base_url, proc, lambda: log_path.read_text(errors="replace"),
                                 seconds=STARTUP_TIMEOUT_S)
        yield base_url, log_path, proc
    finally:
        stop_process(proc)


async def journeys(base_url: str) -> None:
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    await create_user("admin", "admin")
    await add_worker("李四", LOOKED_UP)
    await add_worker("王五", ELSEWHERE)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as browser:
        browser.headers["Accept-Language"] = "en"
        # Sign-ins that fail: a wrong password, a password typed into the name field, the JSON API.
        assert (await login(browser, "clerk", WRONG_PASSWORD)).status_code == 400
        assert (await login(browser, PASSWORD, PASSWORD)).status_code == 400
        api = await browser.post("/api/v1/session", json={"username": "clerk", "password": WRONG_PASSWORD})
        assert api.status_code == 422
        assert (await login(browser, "clerk")).status_code == 302
        # Registration, search by number, the record, look-ups by number (in the URL) in and out of scope.
        registered = await submit_new(browser, id_number=REGISTERED, name="张三")
        assert registered.status_code in (302, 303), registered.text
        assert (await browser.get("/workers/", params={"q": REGISTERED})).status_code == 200
        assert (await browser.get(registered.headers["location"])).status_code == 200
        assert (await browser.get(f"/api/v1/workers/by-id-number/{LOOKED_UP}")).status_code == 200
        assert (await browser.get(f"/api/v1/workers/by-id-number/{ELSEWHERE}")).status_code == 404
        # An import and the exports.
        imported = await upload(browser, workbook([[IMPORTED[0], "赵六"], [IMPORTED[1], "钱七"]],
                                                  ["Identity number", "Name"]))
        assert imported.status_code in (302, 303), imported.text
        await finished_page(browser, imported.headers["location"])
        for fmt in ("csv", "xlsx"):
            assert (await browser.get("/workers/", params={"format": fmt, "q": IMPORTED[0]})).status_code == 200
        # A password change, then signing out.
        token = csrf_from((await browser.get("/account/password")).text)
        changed = await browser.post("/account/password", data={
            "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
            "csrf_token": token})
        assert changed.status_code == 200
        token = csrf_from((await browser.get("/")).text)
        await browser.post("/logout", data={"csrf_token": token})
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as public:
        public.headers["Accept-Language"] = "en"
        token = csrf_from((await public.get("/complaint/file")).text)
        filed = await public.post("/complaint/file", data={
            "kind": "complaint", "complainant_name": "张三", "complainant_id_number": COMPLAINANT,
            "complainant_phone": "13800001111", "complainant_address": "辽中区某街1号", "relationship": "self",
            "respondent_name": "沈阳某建筑工程有限公司", "respondent_address": "沈阳市于洪区某路8号",
            "work_place": "210115", "worker_rows": "1", "worker_name_0": "张三", "worker_id_number_0": COMPLAINANT,
            "worker_months_0": "2", "worker_currency_0": "CNY", "worker_amount_0": "9,000.00",
            "facts": "拖欠工资。", "request": "请求支付。", "csrf_token": token})
        assert filed.status_code == 200, filed.text
        token = csrf_from((await public.get("/complaint/track")).text)
        await public.post("/complaint/track", data={"tracking_no": "TS2026ABCDEFGH", "code": COMPLAINANT[-4:],
                                                    "csrf_token": token})


async def test_a_real_run_logs_no_identity_number_and_no_password(server):
    base_url, log_path, proc = server
    await journeys(base_url)
    stop_process(proc)
    log = log_path.read_text(errors="replace")
    # The log is the server's: every request is in it, the look-ups by number with the number masked.
    assert '"POST /login HTTP/1.1" 400' in log and '"POST /complaint/file HTTP/1.1" 200' in log
    assert f"/api/v1/workers/by-id-number/{mask(LOOKED_UP)}" in log
    for full in NUMBERS:
        assert full not in log, f"an identity number is in the log:\n{log}"
        assert full[:17] not in log
    for secret in SECRETS:
        assert secret.lower() not in log.lower(), f"a password is in the log:\n{log}"


def test_an_error_carrying_a_number_is_logged_masked():
    """What a database error or a traceback would write: the message, its arguments and the exception's text."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskIdentityNumbers())
    logger = logging.getLogger("tests.security.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f'duplicate key value violates unique constraint: Key (id_number)=({REGISTERED})')
        except ValueError:
            logger.exception("unhandled error on %s %s", "GET", f"/api/v1/workers/by-id-number/{LOOKED_UP}")
        logger.warning("first generation %s, with x %s", LOOKED_UP[:6] + LOOKED_UP[8:17], ELSEWHERE.lower())
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert mask(REGISTERED) in text and mask(LOOKED_UP) in text
    for full in (REGISTERED, LOOKED_UP, LOOKED_UP[:6] + LOOKED_UP[8:17], ELSEWHERE.lower()):
        assert full not in text


def test_other_long_numbers_are_left_alone():
    text = "row 12345678901234567890 phone 13800001111 batch 20261129"
    assert mask_identity_numbers(text) == text


def test_install_puts_the_filter_on_the_servers_handlers_once():
    logger = logging.getLogger("uvicorn.access")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        install()
        install()
        assert sum(isinstance(f, MaskIdentityNumbers) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)
