"""sqlmap against every string parameter of the worker search, the public licence check, the sign-in form and the
public complaint pages: nothing injectable.

The server trusts X-Forwarded-For from loopback (as behind the county's TLS proxy), and sqlmap's xforwardedfor
tamper gives each probe an address of its own, so the public pages' per-address limits (five failed look-ups in
fifteen minutes, five filings an hour) never answer sqlmap's probes with the same "please wait" page, which would
leave it nothing to compare; the sign-in throttle's per-account count is raised on this server (conftest).
Each run's traffic must show the page the parameters reach when the probe got through the CSRF check and the
sign-in: a run that only ever met an error page proves nothing.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from export_mgmt.demo_placements import AGENCIES, credit_code
from tests.integration.security_tools.conftest import sign_in_api
from tests.live_server import LiveServer

SQLMAP = Path(sys.executable).with_name("sqlmap")
TIMEOUT_S = 300
# A demo agency with licences. sqlmap tells an injection by the page changing with the probe's condition, so the
# licence search runs twice: found by its name (a LIKE) and by its credit code (the exact matches).
AGENCY, _county, _code_body, _licences = AGENCIES[0]
CREDIT_CODE, LICENCE = credit_code(_code_body), _licences[0][1]
ID_NUMBER = "360426199101010071"

FILING = {
    "kind": "complaint", "complainant_name": "王芳", "complainant_id_number": ID_NUMBER,
    "complainant_phone": "13800000000", "complainant_address": "辽中区前进村", "relationship": "self",
    "respondent_name": "沈阳建工有限公司", "respondent_address": "浑南区", "respondent_legal_rep": "李四",
    "work_place": "210102", "work_country": "", "work_location": "三号工地", "agency_id": "1",
    "arrears_from": "2025-01-01", "arrears_to": "2025-03-31", "payout_account": "6222000011112222",
    "worker_rows": "1", "worker_name_0": "王芳", "worker_id_number_0": ID_NUMBER, "worker_months_0": "3",
    "worker_currency_0": "CNY", "worker_amount_0": "9000", "facts": "三个月工资未发", "request": "支付工资",
}


@dataclass(frozen=True)
class Target:
    path: str  # with its query string, or a `*` where sqlmap injects into the path
    parameters: list[str]
    reached: str  # in the page the parameters reach when the probe got through
    form: dict[str, str] | None = None  # POSTed, with the page's CSRF token
    role: str | None = None
    extra: list[str] = field(default_factory=list)


TARGETS = {
    "worker search": Target(
        "/workers/?" + urlencode({"q": "王", "county": "210115", "township": "210115100", "status": "available",
                                  "skill": "welder", "intention": "either", "group_4050": "1", "page": "1"}),
        ["q", "county", "township", "status", "skill", "intention", "group_4050", "page"],
        "Register a worker", role="county_clerk"),
    "licence search by name": Target("/verify/?" + urlencode({"q": AGENCY[:4]}), ["q"], AGENCY),
    "licence search by credit code": Target("/verify/?" + urlencode({"q": CREDIT_CODE}), ["q"], AGENCY),
    "licence number": Target(f"/verify/licence/{LICENCE}*", [], AGENCY),
    "sign-in": Target("/login", ["username", "password", "next"], "Wrong user name or password.",
                      form={"next": "/", "username": "admin", "password": "not-the-password"}),
    "complaint filing": Target(
        "/complaint/file",
        # Each probe files a complaint (some 200 requests a parameter, with the token fetched before each): one
        # parameter of each kind the filing reads. The other free-text fields (address, legal representative,
        # work location, account, request) are read by the same code and written by the same INSERT as these.
        ["complainant_name", "complainant_id_number", "respondent_name", "agency_id", "work_place",
         "worker_id_number_0", "facts"],
        "Your complaint has been received", form=FILING),
    "complaint tracking": Target("/complaint/track", ["tracking_no", "code"],
                                 "No complaint matches this tracking number and code.",
                                 form={"tracking_no": "TS2026ABCDEFGH", "code": "0071"}),
}


def sqlmap(server: LiveServer, target: Target, workdir: Path, cookie: str | None) -> subprocess.CompletedProcess:
    url = server.base_url + target.path
    command = [sys.executable, str(SQLMAP), "-u", url, "--batch", "--level", "1", "--risk", "1",
               "--tamper", "xforwardedfor", "--output-dir", str(workdir / "out"), "-t", str(workdir / "traffic.txt"),
               "--headers", "Accept-Language: en", "--flush-session", "--disable-coloring", *target.extra]
    if target.parameters:
        command += ["-p", ",".join(target.parameters)]
    if target.form is not None:
        page = url.split("?")[0]
        command += ["--data", urlencode({"csrf_token": "-", **target.form}), "--csrf-token", "csrf_token",
                    "--csrf-url", page]
    if cookie:
        command += ["--cookie", f"em_session={cookie}", "--drop-set-cookie"]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=TIMEOUT_S)


@pytest.mark.parametrize("name", list(TARGETS))
async def test_sqlmap_finds_nothing_injectable(attack_server, tmp_path, name):
    target = TARGETS[name]
    cookie = (await sign_in_api(attack_server, target.role)).cookie if target.role else None
    run = sqlmap(attack_server, target, tmp_path, cookie)
    report = f"{run.stdout[-15000:]}\n{run.stderr[-3000:]}\n--- server log ---\n{attack_server.log(60)}"
    assert "identified the following injection point" not in run.stdout, report
    assert "all tested parameters do not appear to be injectable" in run.stdout, report
    for parameter in target.parameters or ["#1*"]:
        assert f"parameter '{parameter}' does not seem to be injectable" in run.stdout, report
    traffic = (tmp_path / "traffic.txt").read_text(errors="replace")
    assert target.reached in traffic, report
    assert "Too many" not in traffic, report  # no probe met a throttle's "please wait" page
