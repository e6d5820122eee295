"""Browser fixtures: the real server in a subprocess on its own database, and Debian's Chromium via Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, launched_chromium
from tests.live_server import ROOT
from tests.live_server import live_server as running_server

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
async def live_server():
    """Base URL of `export_mgmt.cli serve` running on demo data."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    async with running_server("browser") as server:
        yield server.base_url


@pytest.fixture(scope="session")
async def browser():
    async with launched_chromium() as chromium:
        yield chromium


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
