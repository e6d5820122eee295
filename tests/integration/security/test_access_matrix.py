"""The access matrix: every route has a rule; anonymous visitors are sent to sign in; each role is refused the
routes it may not use; a county clerk, agency staff and an agency's API token find nothing of another county's or
agency's records, change none of them, see none of them in lists or downloads, and cannot move a record into
another tenant by naming it in a form or body."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack

import pytest

from export_mgmt.clock import today
from export_mgmt.idnumber import mask
from export_mgmt.placements.tables import Placement
from export_mgmt.reports.period import Period
from export_mgmt.spreadsheets import XLSX_TYPE
from tests.conftest import _client, create_user, login
from tests.integration.exports.helpers import workbook
from tests.integration.security import calls
from tests.integration.security.access_rules import PUBLIC, ROLES, RULES, STAFF
from tests.integration.security.world import build

RULES_FILE = "tests/integration/security/access_rules.py"
GUARDED = sorted(key for key, rule in RULES.items() if rule != PUBLIC)
# Parameters that name nothing stored: an allowed role may get "not found" for them.
NOTHING_STORED = {"token", "name", "year", "path"}
SCOPED = ("county_clerk", "agency_staff", "agency_token")


def _allowed(principal: str, key: str) -> bool:
    role = STAFF if principal == "agency_token" else principal
    return role in RULES[key]


def _reaches(principal: str, key: str) -> bool:
    """Agency tokens are only read on /api/ routes (elsewhere a token is no credential at all)."""
    return principal != "agency_token" or calls.is_api(key)


def test_every_route_has_a_rule(app):
    routes = calls.app_routes(app)
    missing = sorted(routes - RULES.keys())
    assert not missing, f"routes without an access rule in {RULES_FILE}: {missing}"
    stale = sorted(RULES.keys() - routes)
    assert not stale, f"rules in {RULES_FILE} for routes the application no longer has: {stale}"


@pytest.mark.parametrize("visitor", ["anonymous", "agency_token"])
async def test_anonymous_visitors_are_sent_to_sign_in(app, visitor):
    """Every guarded route, to a visitor with no session (an agency's token on a page counts for nothing) is a
    redirect to the sign-in page, or a 401 from the API; the public routes open without one; nothing changes."""
    w = await build()
    before, audits = await calls.snapshot(w.own), await calls.audit_count()
    async with AsyncExitStack() as stack:
        anonymous = await calls.browser(app, visitor, w, stack)
        wrong = []
        for key in GUARDED:
            if visitor == "agency_token" and calls.is_api(key):
                continue
            response = await anonymous.call(key, calls.url(key, w, w.own), w, w.own)
            if calls.is_api(key):
                ok = response.status_code == 401 and response.json()["status"] == 401
            else:
                ok = (response.status_code in (302, 303)
                      and response.headers["location"].startswith("/login"))
            if not ok:
                wrong.append(f"{key}: {response.status_code} {response.headers.get('location', '')}")
        for key in (k for k, rule in RULES.items() if rule == PUBLIC and k.startswith("GET ")):
            response = await anonymous.call(key, calls.url(key, w, w.own), w, w.own)
            if response.status_code not in (200, 404) or "location" in response.headers:
                wrong.append(f"public {key}: {response.status_code}")
    assert not wrong, f"{visitor}: requests not sent to sign in:\n" + "\n".join(wrong)
    assert await calls.snapshot(w.own) == before
    assert await calls.audit_count() == audits


@pytest.mark.parametrize("principal", [*ROLES, "agency_token"])
async def test_each_role_is_refused_the_routes_it_may_not_use(app, principal):
    """Refused routes answer 403 (or 404) and write nothing, though the request is well-formed and names the
    principal's own records; allowed pages open (the rules are not stricter than the application either)."""
    w = await build()
    wrong = []
    async with AsyncExitStack() as stack:
        who = await calls.browser(app, principal, w, stack)
        audits = await calls.audit_count()  # signing in is audited
        for key in GUARDED:
            if not _reaches(principal, key):
                continue
            allowed = _allowed(principal, key)
            if allowed and not key.startswith("GET "):
                continue  # allowed writes are exercised by the object-level test below
            response = await who.call(key, calls.url(key, w, w.own), w, w.own)
            status = response.status_code
            if allowed:
                ok = status in (200, 302, 303) or (status == 404 and NOTHING_STORED & set(calls.params(key)))
                ok = ok and not response.headers.get("location", "").startswith("/login")
            else:
                ok = status in (403, 404)
            if not ok:
                wrong.append(f"{key} ({'allowed' if allowed else 'refused'}): {status}")
            if not allowed and await calls.audit_count() != audits:
                wrong.append(f"{key}: refused but wrote an audit entry")
                audits = await calls.audit_count()
    assert not wrong, f"{principal}: routes answering against {RULES_FILE}:\n" + "\n".join(wrong)


# The agency register (agencies, their licences and brokers) is read city-wide by county clerks: their workers go
# out through agencies of every county.
CITY_WIDE_READS = {"county_clerk": {"agency_id", "licence_id", "broker_id"}}
# Answered exactly as for a record that does not exist (here: back to one's own list, nothing marked read).
SAME_AS_MISSING = {"POST /notifications/{notification_id:int}/open"}


def _object_routes(principal: str) -> list[str]:
    routes = []
    for key in GUARDED:
        named = calls.TENANT_PARAMS & set(calls.params(key))
        if key.startswith("GET ") and named <= CITY_WIDE_READS.get(principal, set()):
            continue
        if named and _reaches(principal, key):
            routes.append(key)
    return routes


@pytest.mark.parametrize("principal", SCOPED)
async def test_another_tenants_records_are_not_found_and_not_changed(app, principal):
    """Every route naming a record, read or written, with a body that works on the principal's own record: for
    the other tenant's record (alone, or under one of the principal's own) the answer is 404 or 403, the page
    shows nothing of it, and none of the other tenant's rows change. Then the principal's own record works."""
    w = await build()
    wrong = []
    async with AsyncExitStack() as stack:
        who = await calls.browser(app, principal, w, stack)
        before, audits = await calls.snapshot(w.other), await calls.audit_count()
        routes = _object_routes(principal)
        for key in routes:
            targets = [calls.url(key, w, w.other)]
            if len(calls.params(key)) > 1:
                targets.append(calls.url(key, w, w.other, parent=w.own))
            for target in targets:
                # A malformed body too: an error page must not show the record either.
                for empty in ((False, True) if not key.startswith("GET ") else (False,)):
                    response = await who.call(key, target, w, w.other, empty=empty)
                    if key in SAME_AS_MISSING or (empty and calls.is_api(key)):
                        missing = await who.call(key, calls.MISSING.sub("/999999", target), w, w.other, empty=empty)
                        refused = (response.status_code, response.headers.get("location")) == (
                            missing.status_code, missing.headers.get("location"))
                    else:
                        refused = response.status_code in (403, 404)
                    if not refused:
                        wrong.append(f"{key} {target}{' (empty body)' if empty else ''}: {response.status_code}")
                    elif w.other.mark in response.text:
                        wrong.append(f"{key} {target}: the refusal shows the other tenant's record")
        assert not wrong, f"{principal} reached another tenant's records:\n" + "\n".join(wrong)
        assert await calls.snapshot(w.other) == before, f"{principal} changed another tenant's records"
        assert await calls.audit_count() == audits
        # The same requests on the principal's own records are answered: the refusals above were about scope.
        for key in routes:
            if not _allowed(principal, key) or key in OWN_WRITES_SKIPPED:
                continue
            await calls.prepare(key, w.own)
            response = await who.call(key, calls.url(key, w, w.own), w, w.own)
            if response.status_code not in (200, 201, 302, 303):
                wrong.append(f"own {key}: {response.status_code} {_errors(response)}")
    assert not wrong, f"{principal} refused its own records:\n" + "\n".join(wrong)


def _errors(response) -> str:
    if calls.is_api("GET " + response.request.url.path):
        return response.text[:300]
    return " | ".join(re.findall(r'class="(?:alert alert-error|field-error)"[^>]*>([^<]+)<', response.text))


# Allowed writes whose own-record call is left out of the check above, and why.
OWN_WRITES_SKIPPED = {
    # Raising a case needs a follow-up that found a problem; the world's follow-up is still pending.
    "POST /followups/{followup_id:int}/case",
}


# ---- lists, searches and downloads ------------------------------------------------------------------------

# (path, must show the principal's own tenant): every list, search and download a scoped role can open.
LISTS = {
    "county_clerk": [
        ("/", False), ("/workers", True), ("/workers?q={mark}", False), ("/workers?county={county}", False),
        ("/api/v1/workers", True), ("/api/v1/workers?q={mark}", False), ("/api/v1/workers?county={county}", False),
        ("/placements", True), ("/placements?q={mark}", False), ("/api/v1/placements", True),
        ("/api/v1/placements?agency={agency}", False), ("/placements/fees/flagged", False),
        ("/placements/fees/flagged?agency={agency}", False), ("/api/v1/fees/flagged", False),
        ("/followups", True), ("/followups?county={county}", False), ("/api/v1/followups", True),
        ("/api/v1/followups?county={county}", False), ("/api/v1/followups?placement={placement}", False),
        ("/cases?mine=0", True), ("/api/v1/cases", True),
        ("/complaints?mine=0&status=all", True), ("/complaints?mine=0&route={county}", False),
        ("/complaints?mine=0&status=all&q={mark}", False),
        ("/complaints/ageing", False), ("/complaints/ageing?format=csv", False), ("/notifications", True),
        ("/dashboard", False), ("/dashboard/download", False), ("/reports/monthly", False),
        ("/reports/monthly?month={month}", False),
    ],
    "agency_staff": [
        ("/", False), ("/agencies", True), ("/placements", True), ("/placements?q={mark}", False),
        ("/placements?agency={agency}", True), ("/api/v1/placements", True),
        ("/api/v1/placements?agency={agency}", False), ("/placements/fees/flagged", False),
        ("/placements/fees/flagged?agency={agency}", False), ("/api/v1/fees/flagged", False),
        ("/api/v1/fees/flagged?agency={agency}", False), ("/followups", True), ("/api/v1/followups", True),
        ("/api/v1/followups?agency={agency}", False), ("/api/v1/followups?placement={placement}", False),
        ("/cases?mine=0", True), ("/api/v1/cases", True), ("/agencies/{own_agency}/brokers", True),
        ("/api/v1/brokers", True), ("/api/v1/brokers?agency_id={agency}", False), ("/notifications", False),
        ("/dashboard", False), ("/dashboard/download", False), ("/ratings", True),
    ],
}
LISTS["agency_token"] = [(path, own) for path, own in LISTS["agency_staff"] if path.startswith("/api/")]
DOWNLOADS = {"/workers", "/placements", "/placements/fees/flagged", "/followups", "/cases?mine=0",
             "/complaints?mine=0&status=all", "/agencies/{own_agency}/brokers", "/agencies"}


def _text(response) -> str:
    """What a reader of the response sees: the page, the JSON, or every cell of every sheet of a workbook."""
    if response.headers.get("content-type", "").startswith(XLSX_TYPE):
        book = workbook(response)
        return "\n".join(str(cell) for name in book.sheet_names
                         for row in book.get_sheet_by_name(name).to_python() for cell in row)
    return re.sub(r'<input[^>]*name="q"[^>]*>', "", response.text)  # the search box shows what was searched for


@pytest.mark.parametrize("principal", SCOPED)
async def test_lists_searches_and_downloads_show_no_other_tenants_rows(app, principal):
    w = await build()
    other, own = w.other, w.own
    # What only the other tenant's rows carry: its mark is in every name (for clerks, the names of the city-wide
    # agency register aside), and its people's identity numbers, full or masked.
    theirs = [other.id_number, mask(other.id_number), other.free_id_number, mask(other.free_id_number)]
    theirs += [other.worker_name, other.mark + "待派工人", other.complaint_name] if principal == "county_clerk" else [
        other.mark]
    wrong = []
    async with AsyncExitStack() as stack:
        who = await calls.browser(app, principal, w, stack)
        for template, shows_own in LISTS[principal]:
            path = template.format(mark=other.mark, county=other.county, agency=other.agency, own_agency=own.agency,
                                   placement=other.placement, month=Period.previous(today()).code)
            variants = [path]
            if template in DOWNLOADS:
                joiner = "&" if "?" in path else "?"
                variants += [f"{path}{joiner}format=xlsx", f"{path}{joiner}format=csv"]
            for target in variants:
                response = await who.client.get(target, follow_redirects=True)
                if response.status_code != 200:
                    wrong.append(f"{target}: {response.status_code}")
                    continue
                text = _text(response)
                shown = [value for value in theirs if value in text]
                if shown:
                    wrong.append(f"{target} shows the other tenant's {shown}")
                if shows_own and own.mark not in text:
                    wrong.append(f"{target} does not show the principal's own rows")
    assert not wrong, f"{principal}:\n" + "\n".join(wrong)


# Figures asked for another county (or, by agency staff, for any county) are refused, not narrowed in silence.
REFUSED_FIGURES = {
    "county_clerk": ["/dashboard?county={county}", "/dashboard/download?county={county}",
                     "/reports/monthly?month={month}&county={county}"],
    "agency_staff": ["/dashboard?county={county}", "/dashboard/download?county={county}",
                     "/dashboard?county={own_county}", "/reports/monthly?month={month}&county={county}"],
}


@pytest.mark.parametrize("principal", sorted(REFUSED_FIGURES))
async def test_figures_of_another_county_are_refused(app, principal):
    w = await build()
    async with AsyncExitStack() as stack:
        who = await calls.browser(app, principal, w, stack)
        for template in REFUSED_FIGURES[principal]:
            path = template.format(county=w.other.county, own_county=w.own.county,
                                   month=Period.previous(today()).code)
            response = await who.client.get(path)
            assert response.status_code in (403, 404), (path, response.status_code)
            assert not response.headers.get("content-disposition"), path


# ---- ownership cannot be reassigned -----------------------------------------------------------------------

# (principal, route, fields naming the other tenant): each sent to a route writing the principal's own records.
REASSIGN = [
    ("county_clerk", "POST /workers/new", {"county_code": "county"}),
    ("county_clerk", "POST /workers/{worker_id:int}/edit", {"county_code": "county"}),
    ("county_clerk", "POST /api/v1/workers", {"county_code": "county"}),
    ("county_clerk", "PUT /api/v1/workers/{worker_id:int}", {"county_code": "county"}),
    ("agency_staff", "POST /placements/new", {"agency_id": "agency"}),
    ("agency_staff", "POST /placements/new", {"broker_id": "broker"}),
    ("agency_staff", "POST /placements/{placement_id:int}/edit", {"agency_id": "agency"}),
    ("agency_staff", "POST /placements/{placement_id:int}/edit", {"broker_id": "broker"}),
    ("agency_staff", "POST /agencies/{agency_id:int}/brokers/new", {"agency_id": "agency"}),
    ("agency_staff", "POST /agencies/{agency_id:int}/brokers/{broker_id:int}/edit", {"agency_id": "agency"}),
    *((principal, key, fields) for principal in ("agency_staff", "agency_token") for key, fields in (
        ("POST /api/v1/placements", {"agency_id": "agency"}),
        ("POST /api/v1/placements", {"broker_id": "broker"}),
        ("PUT /api/v1/placements/{placement_id:int}", {"agency_id": "agency"}),
        ("PUT /api/v1/placements/{placement_id:int}", {"broker_id": "broker"}),
        ("POST /api/v1/brokers", {"agency_id": "agency"}),
    )),
]


@pytest.mark.parametrize(("principal", "key", "fields"), REASSIGN,
                         ids=[f"{p}-{k.split(' ')[0]} {k.split(' ')[1]}-{','.join(f)}" for p, k, f in REASSIGN])
async def test_forms_and_bodies_cannot_hand_a_record_to_another_tenant(app, principal, key, fields):
    """Naming the other county or agency (or its broker) is refused with an error, or ignored: either way nothing
    of the principal's ends up in the other tenant's records. When refused, the same request naming the
    principal's own county or agency goes through: the refusal was about the other tenant."""
    w = await build()
    async with AsyncExitStack() as stack:
        who = await calls.browser(app, principal, w, stack)
        before = await calls.snapshot(w.other)
        theirs = {name: getattr(w.other, attribute) for name, attribute in fields.items()}
        response = await who.call(key, calls.url(key, w, w.own), w, w.own, extra=theirs)
        assert await calls.snapshot(w.other) == before, response.text[:500]
        assert await Placement.count().where(Placement.broker == w.other.broker) == 0
        if response.status_code in (200, 201, 302, 303):
            return  # ignored: the record stayed with the principal (the snapshot above)
        assert response.status_code in (400, 403, 404, 422), response.text[:500]
        ours = {name: getattr(w.own, attribute) for name, attribute in fields.items()}
        control = await who.call(key, calls.url(key, w, w.own), w, w.own, extra=ours)
        assert control.status_code in (200, 201, 302, 303), _errors(control)


@pytest.mark.parametrize("principal", ["admin", "inspector", "supervisor"])
async def test_a_record_is_reached_only_under_its_own_parent(app, principal):
    """City-wide roles too: a licence, broker, token, document or referral named under another agency, placement,
    follow-up, complaint or case than its own is not found, and nothing changes (a path's parent is never a
    scope check that its child can step around)."""
    w = await build()
    wrong = []
    async with AsyncExitStack() as stack:
        who = await calls.browser(app, principal, w, stack)
        before, audits = await calls.snapshot(w.other), await calls.audit_count()
        for key in GUARDED:
            if len(calls.TENANT_PARAMS & set(calls.params(key))) < 2 or not _allowed(principal, key):
                continue
            target = calls.url(key, w, w.other, parent=w.own)
            response = await who.call(key, target, w, w.other)
            if response.status_code not in (403, 404):
                wrong.append(f"{key} {target}: {response.status_code}")
        assert await calls.snapshot(w.other) == before
        assert await calls.audit_count() == audits
    assert not wrong, f"{principal} reached a record under another parent:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ["county_clerk", "agency_staff"])
async def test_an_account_bound_to_no_county_or_agency_sees_no_ones_records(app, role):
    """A clerk without a county or staff without an agency (the user form refuses to save either; an old row or a
    hand-made one could still hold it) gets no tenant's records from any page, list or download: nothing is
    not the same as everything."""
    w = await build()
    await create_user("unbound", role)
    secrets = [value for t in (w.own, w.other) for value in (
        t.worker_name, t.id_number, mask(t.id_number), t.complaint_name, *([] if role == "county_clerk" else [
            t.agency_name, t.broker_name]))]
    wrong = []
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(_client(app))
        assert (await login(client, "unbound")).status_code in (302, 303)
        paths = [calls.url(key, w, w.own) for key in GUARDED if key.startswith("GET ")]
        for template, _ in LISTS[role]:
            path = template.format(mark="", county=w.own.county, agency=w.own.agency, own_agency=w.own.agency,
                                   placement=w.own.placement, month=Period.previous(today()).code)
            paths += [path, f"{path}{'&' if '?' in path else '?'}format=xlsx"] if template in DOWNLOADS else [path]
        for target in paths:
            response = await client.get(target, follow_redirects=True)
            if response.status_code == 200 and (shown := [s for s in secrets if s in _text(response)]):
                wrong.append(f"{target}: {response.status_code} shows {shown}")
    assert not wrong, f"unbound {role}:\n" + "\n".join(wrong)
