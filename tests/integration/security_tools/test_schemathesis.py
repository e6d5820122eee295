"""Schemathesis against the running API, signed in as each role and signed out: no server errors, every answer
as the OpenAPI schema describes it, and nothing answered without a valid session or token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.security_tools.conftest import ROLE_USERS, sign_in_api
from tests.live_server import ROOT, LiveServer

SCHEMA = "/api/schema/openapi.json"
# Cases per operation (the schema's examples, then generated ones): some hundreds of requests a role; a fixed seed,
# so a failure in CI is the same failure on a desk.
EXAMPLES = "6"
SIGNED_OUT_EXAMPLES = "3"  # every answer is the same refusal: a few cases an operation show it
SEED = "2004"
CONFORMANCE = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
TIMEOUT_S = 300


def schemathesis(server: LiveServer, workdir: Path, examples: str, *arguments: str) -> subprocess.CompletedProcess:
    """The CLI, run in workdir (where it keeps its cache of failures), with the signed-out check loaded as a hook."""
    env_hooks = {"SCHEMATHESIS_HOOKS": "tests.integration.security_tools.schemathesis_checks", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "schemathesis.cli", "run", server.base_url + SCHEMA,
               "--tls-verify", str(server.certificate), "--max-examples", examples, "--seed", SEED,
               "--phases", "examples,fuzzing", "--no-shrink", "--workers", "1", "--output-truncate", "false",
               *arguments]
    return subprocess.run(command, cwd=workdir, env={**os.environ, **env_hooks}, capture_output=True, text=True,
                          timeout=TIMEOUT_S)


def passed(run: subprocess.CompletedProcess, server: LiveServer) -> bool:
    if run.returncode == 0:
        return True
    print(run.stdout[-20000:], run.stderr[-5000:], "--- server log ---", server.log(80), sep="\n")
    return False


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
async def test_the_api_keeps_to_its_schema_for_each_role(attack_server, tmp_path, role):
    # Every operation but the session's own (signing out mid-run would leave the rest of the run signed out).
    session = await sign_in_api(attack_server, role)
    run = schemathesis(attack_server, tmp_path, EXAMPLES, "--checks", CONFORMANCE,
                       "--exclude-path-regex", "^/api/v1/session", "--header", f"Cookie: em_session={session.cookie}",
                       "--header", f"X-CSRF-Token: {session.csrf_token}")
    assert passed(run, attack_server)
    assert "passed" in run.stdout


@pytest.mark.parametrize("credentials", [
    pytest.param([], id="none"),
    pytest.param(["--header", "Cookie: em_session=forged-session", "--header", "Authorization: Bearer forged-token"],
                 id="forged"),
])
async def test_signed_out_every_operation_but_sign_in_is_refused(attack_server, tmp_path, credentials):
    run = schemathesis(attack_server, tmp_path, SIGNED_OUT_EXAMPLES,
                       "--checks", "signed_out_is_refused,not_a_server_error", *credentials)
    assert passed(run, attack_server)
