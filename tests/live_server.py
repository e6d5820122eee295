"""The real server in a subprocess, on demo data in a database of its own, for the tests that drive it from outside.

It never shares the suite's database (the suite truncates its tables around every test): on SQLite it keeps a file
in its own DATA_DIR, on PostgreSQL (TEST_DATABASE_URL set) it gets a database of its own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 30
DEMO_TIMEOUT_S = 180
TEST_ENV = {"SECRET_KEY": "live-test-secret-key-not-for-production", "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "8192", "PYTHONUNBUFFERED": "1", "RUN_SCHEDULER_IN_WEB": "0"}


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    data_dir: Path
    log_path: Path
    # The self-signed certificate the server answers TLS with (None over plain HTTP).
    certificate: Path | None = None

    def log(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_until_healthy(base_url: str, proc: subprocess.Popen, log, verify: ssl.SSLContext | bool = True,
                             seconds: float = STARTUP_TIMEOUT_S) -> None:
    """Until the server answers /healthz; the test fails with the server's log (`log()`) if it exits or takes
    longer than `seconds`."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=2, verify=verify) as client:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log()}")
            try:
                if (await client.get(f"{base_url}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not healthy after {seconds:.0f} s:\n{log()}")
            await asyncio.sleep(0.2)


def stop_process(proc: subprocess.Popen, seconds: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within `seconds`."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


async def _postgres(server_url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key, cert = directory / "tls.key", directory / "tls.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return key, cert


@asynccontextmanager
async def live_server(name: str, env: dict[str, str] | None = None, tls: bool = False) -> AsyncIterator[LiveServer]:
    """`export-mgmt demo`, then the server on a free loopback port until the block ends. With tls, uvicorn answers
    HTTPS with a self-signed certificate and SECURE_COOKIES=1, and trusts X-Forwarded-For from loopback, as a server
    behind the county's TLS proxy does."""
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    database = f"export_mgmt_{name}_{os.getpid()}"
    data_dir = Path(tempfile.mkdtemp(prefix=f"export-mgmt-{name}-"))
    full_env = {**os.environ, **TEST_ENV, "DATA_DIR": str(data_dir), **(env or {})}
    if server_url:
        await _postgres(server_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        await _postgres(server_url, f"CREATE DATABASE {database}")
        full_env["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + database
    else:
        full_env.pop("DATABASE_URL", None)  # SQLite file under the server's own DATA_DIR
    log_path = data_dir / "server.log"
    proc = None
    try:
        demo = subprocess.run([sys.executable, "-m", "export_mgmt.cli", "demo"], cwd=ROOT, env=full_env,
                              capture_output=True, text=True, timeout=DEMO_TIMEOUT_S)
        assert demo.returncode == 0, f"demo load failed:\n{demo.stdout}\n{demo.stderr}"
        port = free_port()
        if tls:
            key, cert = _self_signed(data_dir)
            command = ["-m", "uvicorn", "export_mgmt.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                       "--ssl-keyfile", str(key), "--ssl-certfile", str(cert),
                       "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
            full_env["SECURE_COOKIES"] = "1"
        else:
            cert = None
            command = ["-m", "export_mgmt.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        server = LiveServer(f"{'https' if tls else 'http'}://127.0.0.1:{port}", data_dir, log_path, cert)
        with log_path.open("wb") as log:
            proc = subprocess.Popen([sys.executable, *command], cwd=ROOT, env=full_env, stdout=log,
                                    stderr=subprocess.STDOUT)
        verify = ssl.create_default_context(cafile=str(cert)) if cert else True
        await wait_until_healthy(server.base_url, proc, server.log, verify, STARTUP_TIMEOUT_S)
        yield server
    finally:
        if proc is not None:
            stop_process(proc)
        if server_url:
            await _postgres(server_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(data_dir, ignore_errors=True)
