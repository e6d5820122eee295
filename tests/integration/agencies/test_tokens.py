"""API tokens: issued by administrators and shown once, stored as a hash, revocable, resolved for sign-in."""

import datetime as dt
import hashlib
import re

from export_mgmt.agencies.tables import Agency, ApiToken
from export_mgmt.agencies.tokens import resolve_token
from tests.conftest import create_user, csrf_from, login
from tests.integration.agencies.helpers import add_agency, audit_rows, field_error, post_form, redirected_to


async def issue(client, agency_id, name="排班系统"):
    response = await post_form(client, f"/agencies/{agency_id}", f"/agencies/{agency_id}/tokens", name=name)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return re.search(r'id="issued-token">([^<]+)<', response.text).group(1)


async def test_issue_shows_the_token_once_and_keeps_only_its_hash(admin_client):
    a = await add_agency("甲劳务公司", 1)
    raw = await issue(admin_client, a)
    [row] = await ApiToken.select()
    assert row["token_hash"] == hashlib.sha256(raw.encode()).hexdigest() and raw not in str(row)
    assert (row["agency"], row["name"], row["created_by"]) == (a, "排班系统", "admin")
    page = (await admin_client.get(f"/agencies/{a}")).text
    assert "排班系统" in page and raw not in page
    [entry] = await audit_rows("api_token", row["id"])
    assert entry["action"] == "issued" and raw not in str(entry)


async def test_token_needs_a_name(admin_client):
    a = await add_agency("甲劳务公司", 1)
    response = await post_form(admin_client, f"/agencies/{a}", f"/agencies/{a}/tokens", name="  ")
    assert response.status_code == 400 and field_error(response.text, "name")
    assert await ApiToken.count() == 0


async def test_resolve_and_revoke(admin_client):
    a = await add_agency("甲劳务公司", 1)
    raw = await issue(admin_client, a)
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    assert await resolve_token(raw) == {"token_id": token_id, "agency_id": a, "name": "排班系统"}
    assert await resolve_token(raw + "x") is None and await resolve_token("") is None
    page = await admin_client.get(f"/agencies/{a}")
    response = await admin_client.post(f"/agencies/{a}/tokens/{token_id}/revoke",
                                       data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    redirected_to(response, rf"/agencies/{a}#tokens")
    assert (await ApiToken.select(ApiToken.revoked_at).first())["revoked_at"] is not None
    assert await resolve_token(raw) is None
    assert [e["action"] for e in await audit_rows("api_token", token_id)] == ["issued", "revoked"]


async def test_tokens_of_an_inactive_agency_do_not_resolve(admin_client):
    a = await add_agency("甲劳务公司", 1)
    raw = await issue(admin_client, a)
    await Agency.update({Agency.active: False}).where(Agency.id == a)
    assert await resolve_token(raw) is None


async def test_last_used_is_written_at_most_once_a_minute(admin_client):
    a = await add_agency("甲劳务公司", 1)
    raw = await issue(admin_client, a)
    await resolve_token(raw)
    first = (await ApiToken.select(ApiToken.last_used_at).first())["last_used_at"]
    assert first is not None
    await resolve_token(raw)
    assert (await ApiToken.select(ApiToken.last_used_at).first())["last_used_at"] == first
    earlier = first - dt.timedelta(minutes=2)
    await ApiToken.update({ApiToken.last_used_at: earlier}, force=True)
    await resolve_token(raw)
    assert (await ApiToken.select(ApiToken.last_used_at).first())["last_used_at"] > earlier


async def test_only_administrators_manage_tokens(client):
    a = await add_agency("甲劳务公司", 1)
    await create_user("staff", "agency_staff", agency_id=a)
    await login(client, "staff")
    page = await client.get(f"/agencies/{a}")
    assert "/tokens" not in page.text
    response = await client.post(f"/agencies/{a}/tokens", data={"name": "x", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 403
    assert await ApiToken.count() == 0
