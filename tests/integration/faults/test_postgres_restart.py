"""PostgreSQL restarted while requests keep coming, or stopped for a while and started again: the server process
recovers by itself, without a restart of its own. While the database is away a request gets a clear, translated
"try again" answer (503 with Retry-After), never an internal error, and the signed-in session survives.

The cluster is the test's own (initdb in a temporary directory, on a free port): the server the rest of the suite
uses is never touched. It runs in the PostgreSQL leg of the suite only (TEST_DATABASE_URL set): what it proves does
not depend on the suite's own database, so the SQLite leg would only repeat it; it is skipped where no PostgreSQL
binaries (initdb, pg_ctl) are installed.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.integration.faults.private_postgres import PrivateCluster, binaries
from tests.integration.faults.servers import ROOT, Server, api_session
from tests.integration.workers.helpers import LIAOZHONG, api_body, number

pytestmark = [
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL leg of the suite"),
    pytest.mark.skipif(binaries() is None, reason="no PostgreSQL binaries (initdb, pg_ctl) installed"),
]

DATABASE = "export_mgmt"
RECOVERY_ATTEMPTS = 40  # requests, 0.25 s apart, after the restart has completed
UNAVAILABLE = "The database is not available just now. Please try again in a moment."


@pytest.fixture
async def cluster():
    import asyncpg

    cluster = PrivateCluster(binaries()).init()
    try:
        cluster.start()
        conn = await asyncpg.connect(cluster.url())
        try:
            await conn.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            await conn.close()
        # `export-mgmt create-admin` migrates the empty database, then adds its first administrator.
        env = {**os.environ, "DATABASE_URL": cluster.url(DATABASE), "ADMIN_PASSWORD": PASSWORD}
        made = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "export_mgmt.cli", "create-admin",
                                                        "admin"], cwd=ROOT, env=env, capture_output=True, timeout=120)
        assert made.returncode == 0, made.stderr.decode()[-3000:]
        yield cluster
    finally:
        cluster.destroy()


class Traffic:
    """A signed-in user's pages and API calls, one after another, each answer kept."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.answers: list[httpx.Response] = []
        self.running = True

    async def run(self) -> None:
        while self.running:
            for path in ("/api/v1/workers", "/workers", "/"):
                self.answers.append(await self.client.get(path))
            await asyncio.sleep(0.01)


def unclean(answers: list[httpx.Response]) -> list[str]:
    """Answers that are neither a success nor the clear, translated "try again" answer."""
    bad = []
    for response in answers:
        if response.status_code == 200:
            continue
        if response.status_code == 503 and UNAVAILABLE in response.text and response.headers.get("retry-after"):
            continue
        bad.append(f"{response.request.url.path}: {response.status_code} {response.text[:300]}")
    return bad


async def until_answered(client: httpx.AsyncClient) -> httpx.Response:
    for _attempt in range(RECOVERY_ATTEMPTS):
        answer = await client.get("/api/v1/workers")
        if answer.status_code == 200:
            break
        await asyncio.sleep(0.25)
    return answer


async def test_the_server_recovers_from_a_postgresql_restart_without_restarting(cluster):
    server = await Server({"DATABASE_URL": cluster.url(DATABASE)}).start()
    try:
        async with server.client() as client:
            headers = await api_session(client, "admin")
            created = await client.post("/api/v1/workers", json=api_body(number(LIAOZHONG, seq=1)), headers=headers)
            assert created.status_code == 201, created.text
            traffic = Traffic(client)
            flowing = asyncio.create_task(traffic.run())
            await asyncio.sleep(0.5)
            await asyncio.to_thread(cluster.restart)
            answer = await until_answered(client)
            traffic.running = False
            await flowing
            assert answer.status_code == 200, answer.text
            assert answer.json()["total"] == 1  # the same session, still signed in
            after = await client.post("/api/v1/workers", json=api_body(number(LIAOZHONG, seq=3)), headers=headers)
            assert after.status_code == 201, after.text
            assert len(traffic.answers) > 3
            assert not unclean(traffic.answers), unclean(traffic.answers)[:5]

            # Away for longer: every pooled connection is gone, and so is every new one until it is back.
            await asyncio.to_thread(cluster.stop)
            page, api = await client.get("/workers"), await client.get("/api/v1/workers")
            assert not unclean([page, api]), unclean([page, api])
            assert (page.status_code, api.status_code) == (503, 503)
            assert "<title>Database unavailable" in page.text
            assert api.json()["title"] == "Database unavailable"
            await asyncio.to_thread(cluster.start)
            answer = await until_answered(client)
            assert answer.status_code == 200, answer.text
            assert answer.json()["total"] == 2
            after = await client.post("/api/v1/workers", json=api_body(number(LIAOZHONG, seq=5)), headers=headers)
            assert after.status_code == 201, after.text
    finally:
        server.stop()
