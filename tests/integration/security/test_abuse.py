"""What an attacker with ordinary tools would try: forged client addresses against the throttles, oversized
bodies, files that lie about what they are, and workbooks built to exhaust the parser."""

from __future__ import annotations

import html
import io
import os
import zipfile

import pytest

from export_mgmt.accounts.tables import LoginFailure
from export_mgmt.audit.tables import AuditLog
from export_mgmt.settings import get_settings
from tests.conftest import _client, create_user, csrf_from, login
from tests.integration.workers.helpers import LIAOZHONG, number
from tests.integration.workers.import_helpers import file_error, upload, workbook

WINDOW_MESSAGE = "Too many failed sign-in attempts."
ENTITIES_MESSAGE = ("The workbook contains XML entity declarations, which Excel never writes; it was refused as "
                    "unsafe.")
MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def english(client, other_client):
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"


@pytest.fixture
def behind_proxy():
    """The site behind a reverse proxy on 10.0.0.0/8, configured as trusted."""
    os.environ["TRUSTED_PROXIES"] = "10.0.0.0/8"
    get_settings.cache_clear()
    yield
    del os.environ["TRUSTED_PROXIES"]
    get_settings.cache_clear()


async def fail_logins(client, usernames: list[str], forwarded: list[str]) -> None:
    token = csrf_from((await client.get("/login")).text)
    for username, header in zip(usernames, forwarded):
        response = await client.post("/login", data={"username": username, "password": "Wrong-pass-999",
                                                     "csrf_token": token}, headers={"X-Forwarded-For": header})
        assert response.status_code == 400


async def sign_in_from(client, username: str, forwarded: str):
    token = csrf_from((await client.get("/login")).text)
    return await client.post("/login", data={"username": username, "password": "Secret-pass-123",
                                             "csrf_token": token},
                             headers={"X-Forwarded-For": forwarded}, follow_redirects=False)


# ---- throttles and forged addresses ---------------------------------------------------------------------------

async def test_a_forged_forwarded_for_does_not_escape_the_address_limit(client, other_client):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    limit = get_settings().login_max_failures_per_address
    # A password-spraying tool rotates the header and the account name on every try.
    await fail_logins(client, [f"user{i}" for i in range(limit)], [f"198.51.100.{i}" for i in range(limit)])
    assert {row["client_address"] for row in await LoginFailure.select()} == {"127.0.0.1"}
    response = await sign_in_from(client, "clerk", "203.0.113.250")
    assert response.status_code == 400 and WINDOW_MESSAGE in html.unescape(response.text)
    assert (await login(other_client, "clerk")).status_code == 302  # another address is not held back


async def test_a_forged_forwarded_for_does_not_reset_the_account_limit(client):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    limit = get_settings().login_max_failures_per_account
    await fail_logins(client, ["clerk"] * limit, [f"198.51.100.{i}" for i in range(limit)])
    response = await sign_in_from(client, "clerk", "203.0.113.250")
    assert response.status_code == 400 and WINDOW_MESSAGE in html.unescape(response.text)


async def test_behind_a_trusted_proxy_each_client_is_counted_apart(app, behind_proxy):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    await create_user("inspector", "inspector")
    limit = get_settings().login_max_failures_per_address
    async with _client(app, "10.0.0.5") as proxy:
        proxy.headers["Accept-Language"] = "en"
        await fail_logins(proxy, [f"user{i}" for i in range(limit)], ["198.51.100.7"] * limit)
        assert {row["client_address"] for row in await LoginFailure.select()} == {"198.51.100.7"}
        # The client may write its own header; the proxy appends the address it really came from.
        forged = await sign_in_from(proxy, "clerk", "203.0.113.9, 198.51.100.7")
        assert forged.status_code == 400 and WINDOW_MESSAGE in html.unescape(forged.text)
        # Another client behind the same proxy signs in, and the trail names its address.
        assert (await sign_in_from(proxy, "inspector", "198.51.100.8, 10.0.0.9")).status_code == 302
        signed_in = await AuditLog.select().where(AuditLog.action == "login").first()
        assert signed_in["client_address"] == "198.51.100.8"


async def test_a_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(client, behind_proxy):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    await fail_logins(client, ["clerk"], ["10.0.0.5"])  # even one naming a trusted proxy
    failed = await AuditLog.select().where(AuditLog.action == "login_failed").first()
    assert failed["client_address"] == "127.0.0.1"


async def test_public_tracking_limit_holds_against_a_rotating_forwarded_for(client):
    for i in range(6):
        token = csrf_from((await client.get("/complaint/track")).text)
        response = await client.post("/complaint/track", data={
            "tracking_no": f"TS2026ABCDEF{i:02d}", "code": "ABCDEFGH", "csrf_token": token},
            headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert response.status_code == (400 if i < 5 else 429)
    assert "Too many attempts. Please try again later." in html.unescape(response.text)


# ---- request bodies ------------------------------------------------------------------------------------------

async def test_an_ordinary_form_with_a_huge_body_is_refused_before_it_is_read(client):
    token = csrf_from((await client.get("/login")).text)
    response = await client.post("/login", data={"username": "x" * (2 * MiB), "password": "p", "csrf_token": token})
    assert response.status_code == 413
    assert await LoginFailure.count() == 0


async def test_a_huge_json_body_is_refused_with_a_json_error(client):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    session = await client.post("/api/v1/session", json={"username": "clerk", "password": "Secret-pass-123"})
    headers = {"X-CSRF-Token": session.json()["csrf_token"]}
    response = await client.post("/api/v1/workers/", headers=headers,
                                 json={"id_number": number(), "name": "张三", "notes": "x" * (2 * MiB)})
    assert response.status_code == 413
    assert response.json()["status"] == 413


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def public_filing(client, files: dict) -> object:
    token = csrf_from((await client.get("/complaint/file")).text)
    form = {"kind": "report", "anonymous": "1", "respondent_name": "沈阳某建筑工程有限公司",
            "respondent_address": "沈阳市于洪区某路8号", "work_place": "210115", "facts": "拖欠工资。",
            "request": "请查处。", "csrf_token": token}
    return await client.post("/complaint/file", data=form, files=files)


async def test_evidence_uploads_keep_their_larger_allowance(client):
    three_mb = PDF + b"0" * (3 * MiB)
    response = await public_filing(client, {"document_1": ("合同.pdf", three_mb, "application/pdf")})
    assert response.status_code != 413
    assert "Choose a file" not in response.text
    over = PDF + b"0" * (13 * MiB)
    assert (await public_filing(client, {"document_1": ("合同.pdf", over, "application/pdf")})).status_code == 413


async def test_a_page_disguised_as_an_image_is_refused_by_its_content(client):
    page = b"<html><script>alert(document.cookie)</script></html>"
    response = await public_filing(client, {"document_1": ("工资条.png", page, "image/png")})
    assert response.status_code == 400
    assert "Only PDF, PNG and JPEG files can be uploaded." in html.unescape(response.text)


# ---- hostile workbooks ---------------------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10))
          + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


def with_sheet(sheet: bytes, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A real workbook whose first sheet is replaced by `sheet`."""
    source = zipfile.ZipFile(io.BytesIO(workbook([[number(), "张三"]], ["Identity number", "Name"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for info in source.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info.filename)
            archive.writestr(info.filename, data)
    return out.getvalue()


def straddling_sheet() -> bytes:
    """A document type (reaching out for an external DTD) that starts one byte before the checker's 256 KiB chunk
    boundary and ends after it."""
    filler = os.urandom(200 * 1024).hex().encode()[: 256 * 1024 - 8]
    return b"<!--" + filler + b"-->" + b"<!DOCTYPE worksheet SYSTEM 'http://203.0.113.1/x.dtd'><worksheet/>"


HOSTILE = [
    ("billion laughs", lambda: with_sheet(LAUGHS.encode())),
    ("billion laughs stored", lambda: with_sheet(LAUGHS.encode(), zipfile.ZIP_STORED)),
    ("billion laughs in UTF-16", lambda: with_sheet(LAUGHS.replace('"1.0"?', '"1.0" encoding="UTF-16"?')
                                                     .encode("utf-16"))),
    ("external entity", lambda: with_sheet(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM '
                                            b'"file:///etc/passwd">]><worksheet>&xxe;</worksheet>')),
    ("declaration split across chunks", lambda: with_sheet(straddling_sheet())),
]


@pytest.mark.parametrize("content", [c for _n, c in HOSTILE], ids=[n for n, _c in HOSTILE])
async def test_a_workbook_declaring_entities_is_refused_before_parsing(clerk_client, content):
    clerk_client.headers["Accept-Language"] = "en"
    response = await upload(clerk_client, content())
    assert response.status_code == 400
    assert file_error(response.text) == ENTITIES_MESSAGE


async def test_an_ordinary_workbook_is_still_accepted(clerk_client):
    response = await upload(clerk_client, with_sheet(zipfile.ZipFile(io.BytesIO(
        workbook([[number(), "张三"]], ["Identity number", "Name"]))).read("xl/worksheets/sheet1.xml")))
    assert response.status_code in (302, 303), file_error(response.text)
