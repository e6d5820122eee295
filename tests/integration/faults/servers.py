"""Real server processes for the fault tests: uvicorn serving export_mgmt.asgi:app on a free port, as
`export-mgmt serve` does once the database is migrated, against the database the environment names (the suite's
own, unless the test passes another DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server process; its output goes to a file, shown when it fails to start."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.log = Path(tempfile.mkstemp(prefix="export-mgmt-server-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    async def start(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "export_mgmt.asgi:app", "--host", "127.0.0.1", "--port",
                 str(self.port), "--no-access-log"], cwd=ROOT,
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        async with httpx.AsyncClient(base_url=self.url) as client:
            for _attempt in range(STARTUP_SECONDS * 10):
                if self.process.poll() is not None:
                    raise AssertionError(f"the server exited at start:\n{self.output()}")
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"the server did not answer:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """kill -9, the server alone: its own children find themselves orphaned, as after a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(30)
        self.log.unlink(missing_ok=True)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=60, headers={"Accept-Language": "en"})


async def api_session(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    """Sign in through the JSON API; the header every write must carry."""
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}
