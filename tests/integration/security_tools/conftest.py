"""One server for the attack tools: demo data, over TLS with Secure cookies, the sign-in throttle out of the way."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import httpx
import pytest

from export_mgmt.demo import DEMO_USERS
from tests.live_server import LiveServer, live_server

# One account of each role (export_mgmt.demo.DEMO_USERS).
ROLE_USERS = {user.role: user for user in DEMO_USERS if user.username != "inspector2"}
# sqlmap sends hundreds of wrong sign-ins from one address: with the throttle on, every probe after the twentieth
# would meet the same "too many attempts" page, and sqlmap would be comparing that page with itself. The throttle
# has tests of its own (tests/integration/accounts); here it is set beyond what the tools send.
NO_THROTTLE = {"LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000", "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000"}


@dataclass(frozen=True)
class ApiSession:
    cookie: str  # the em_session cookie's value
    csrf_token: str


def tls_context(server: LiveServer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(server.certificate))


@pytest.fixture(scope="session")
async def attack_server():
    async with live_server("attack", env=NO_THROTTLE, tls=True) as server:
        yield server


async def sign_in_api(server: LiveServer, role: str) -> ApiSession:
    user = ROLE_USERS[role]
    async with httpx.AsyncClient(base_url=server.base_url, verify=tls_context(server), timeout=10) as client:
        response = await client.post("/api/v1/session", json={"username": user.username, "password": user.password})
        assert response.status_code == 201, response.text
        return ApiSession(response.cookies["em_session"], response.json()["csrf_token"])
