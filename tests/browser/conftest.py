"""Browser fixtures: the real server in a subprocess on its own database, and Debian's Chromium via Playwright.

The server never shares the suite's database (the suite truncates its tables around every test): on SQLite it
keeps a file in its own DATA_DIR, on PostgreSQL (TEST_DATABASE_URL set) it gets a database of its own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 30
DEMO_TIMEOUT_S = 180
BROWSER_DB = f"export_mgmt_browser_{os.getpid()}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _postgres(server_url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@pytest.fixture(scope="session")
async def live_server():
    """Base URL of `export_mgmt.cli serve` running on demo data."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    data_dir = Path(tempfile.mkdtemp(prefix="export-mgmt-browser-"))
    env = dict(os.environ)
    env.update(DATA_DIR=str(data_dir), SECRET_KEY="browser-test-secret-key-not-for-production",
               ARGON2_TIME_COST="1", ARGON2_MEMORY_KIB="8192", PYTHONUNBUFFERED="1",
               RUN_SCHEDULER_IN_WEB="0")
    if server_url:
        await _postgres(server_url, f"DROP DATABASE IF EXISTS {BROWSER_DB} WITH (FORCE)")
        await _postgres(server_url, f"CREATE DATABASE {BROWSER_DB}")
        env["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + BROWSER_DB
    else:
        env.pop("DATABASE_URL", None)  # SQLite file under the server's own DATA_DIR
    log_path = data_dir / "server.log"
    proc = None
    try:
        demo = subprocess.run([sys.executable, "-m", "export_mgmt.cli", "demo"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=DEMO_TIMEOUT_S)
        assert demo.returncode == 0, f"demo load failed:\n{demo.stdout}\n{demo.stderr}"
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "export_mgmt.cli", "serve", "--host", "127.0.0.1",
                                     "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"server exited with {proc.returncode}:\n{_tail(log_path)}")
                try:
                    if (await client.get(f"{base_url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"server not healthy after {STARTUP_TIMEOUT_S} s:\n{_tail(log_path)}")
                await asyncio.sleep(0.2)
        yield base_url
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if server_url:
            await _postgres(server_url, f"DROP DATABASE IF EXISTS {BROWSER_DB} WITH (FORCE)")
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
async def page(request, browser, live_server):
    """A fresh browser profile, as on a county office PC set to Chinese."""
    context = await browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                await tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            except Exception:  # the screenshot is a courtesy; never mask the real failure
                pass
        await context.close()


@pytest.fixture
async def english_page(request, browser, live_server):
    """A fresh browser profile set to English (en-US): the pages show the English msgids."""
    context = await browser.new_context(base_url=live_server, locale="en-US", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                await tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            except Exception:  # the screenshot is a courtesy; never mask the real failure
                pass
        await context.close()
