"""Each role in a real Chromium over TLS: the cookie flags and the security headers the browser sees, a new session
id at sign-in, and a session that ends on the server at sign-out or when an administrator disables the account."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page, Response, expect

from export_mgmt.demo import DEMO_USERS
from tests.browser.helpers import CHROMIUM, launched_chromium, sign_in, sign_out
from tests.integration.security_tools.conftest import ROLE_USERS

pytestmark = pytest.mark.browser

SESSION = "em_session"
STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
# The pages each role opens after signing in; the first record linked from a list is opened too.
JOURNEYS = {
    "admin": ["/", "/workers/", "/complaints/", "/admin/users/"],
    "county_clerk": ["/", "/workers/"],
    "agency_staff": ["/", "/placements/"],
    "inspector": ["/", "/complaints/"],
    "supervisor": ["/", "/workers/", "/complaints/"],
}
RECORD_LINK = {"/workers/": r"^/workers/\d+$", "/complaints/": r"^/complaints/\d+$",
               "/placements/": r"^/placements/\d+$"}


@pytest.fixture(scope="module")
async def tls_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    async with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
async def new_context(tls_browser, attack_server):
    contexts: list[BrowserContext] = []

    async def make() -> BrowserContext:
        # The server's certificate is self-signed: the browser is told to accept it, everything else is as usual.
        context = await tls_browser.new_context(base_url=attack_server.base_url, ignore_https_errors=True,
                                                locale="en-US", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        await context.close()


async def session_cookie(context: BrowserContext) -> dict | None:
    return next((c for c in await context.cookies() if c["name"] == SESSION), None)


def assert_security_headers(response: Response, headers: dict[str, str]) -> None:
    where = response.url
    csp = headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, (where, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (where, csp)
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in STRICT_REFERRER, (where, headers.get("referrer-policy"))
    assert "no-store" in headers.get("cache-control", ""), (where, headers.get("cache-control"))


async def open_and_check(page: Page, path: str) -> None:
    response = await page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert urlsplit(page.url).path == path, f"{path} went to {page.url}"
    assert_security_headers(response, await response.all_headers())


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
async def test_each_role_gets_a_fresh_secure_session_and_protected_pages(new_context, role):
    user = ROLE_USERS[role]
    context = await new_context()
    # A session id the attacker chose (planted beforehand, session fixation) is not the one signing in gives.
    planted = "planted-session-id-0123456789abcdef"
    page = await context.new_page()
    login = await page.goto("/login")
    assert_security_headers(login, await login.all_headers())
    await context.add_cookies([{"name": SESSION, "value": planted, "domain": "127.0.0.1", "path": "/",
                                "secure": True, "httpOnly": True, "sameSite": "Lax"}])
    await sign_in(page, user.username, user.password)
    cookie = await session_cookie(context)
    assert cookie is not None and cookie["value"] != planted
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] in ("Lax", "Strict"), cookie
    # Scripts on the page cannot read it.
    assert SESSION not in await page.evaluate("document.cookie")

    records = 0
    for path in JOURNEYS[role]:
        await open_and_check(page, path)
        if path in RECORD_LINK:
            links = page.locator("main a[href]")
            hrefs = [h for h in await links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
                     if re.match(RECORD_LINK[path], h or "")]
            if hrefs:
                await open_and_check(page, hrefs[0])  # a worker's record or a complaint: personal data
                records += 1
    assert records == sum(path in RECORD_LINK for path in JOURNEYS[role])
    first = cookie["value"]
    await sign_out(page)
    await sign_in(page, user.username, user.password)
    again = await session_cookie(context)
    assert again is not None and again["value"] != first


async def test_a_signed_out_session_cookie_no_longer_signs_anyone_in(new_context, attack_server):
    user = ROLE_USERS["county_clerk"]
    context = await new_context()
    page = await context.new_page()
    await sign_in(page, user.username, user.password)
    stolen = await session_cookie(context)
    await sign_out(page)
    # Someone who copied the cookie before the sign-out replays it in another browser.
    replay = await new_context()
    await replay.add_cookies([{**stolen, "expires": -1}])
    other = await replay.new_page()
    await other.goto("/workers/")
    await expect(other).to_have_url(re.compile(r"/login\?next="))


async def test_disabling_a_user_ends_their_sessions(new_context):
    # The second demo inspector: the other tests here sign in as the first.
    target = next(user for user in DEMO_USERS if user.username == "inspector2")
    admin = ROLE_USERS["admin"]
    theirs = await (await new_context()).new_page()
    await sign_in(theirs, target.username, target.password)
    await open_and_check(theirs, "/complaints/")

    mine = await (await new_context()).new_page()
    await sign_in(mine, admin.username, admin.password)
    await mine.goto("/admin/users/")
    await mine.locator("main a", has_text=re.compile(rf"^{target.username}$")).first.click()
    await mine.locator("input[name=active]").uncheck()
    await mine.locator("main form.form button[type=submit]").click()
    await expect(mine.locator("input[name=active]")).not_to_be_checked()

    await theirs.goto("/complaints/")
    await expect(theirs).to_have_url(re.compile(r"/login\?next="))
