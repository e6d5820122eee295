"""Two server processes writing to one SQLite file (a county PC running two workers, or a restart overlapping the
old process): under twenty concurrent writers no request fails with "database is locked" or any other server
error, and every write the server acknowledged is in the file afterwards."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import httpx
import pytest

from export_mgmt.db import is_sqlite
from export_mgmt.workers.tables import Worker
from tests.conftest import create_user
from tests.integration.faults.servers import api_session
from tests.integration.workers.helpers import LIAOZHONG, api_body, number

pytestmark = pytest.mark.skipif(not is_sqlite(), reason="one SQLite file shared by two processes")

WRITERS = 20
LOAD_SECONDS = 10
EVERY_NTH_IS_AN_EDIT = 3


class Writer:
    """One clerk's browser: registers people of their own and edits them, keeping what the server acknowledged."""

    def __init__(self, index: int, client: httpx.AsyncClient) -> None:
        self.index = index
        self.client = client
        self.failures: list[str] = []
        self.registered: dict[str, int] = {}  # identity number -> worker id, for every 201
        self.phones: dict[int, tuple[str, int]] = {}  # worker id -> (phone, version) after the last 200 or 201

    def _failed(self, response: httpx.Response) -> None:
        self.failures.append(f"{response.request.method} {response.request.url.path}: "
                             f"{response.status_code} {response.text[:300]}")

    async def run(self, headers: dict[str, str], until: float) -> None:
        born = dt.date(1980, 1, 1) + dt.timedelta(days=self.index)
        for step in range(1, 1000):
            if time.monotonic() > until:
                return
            if step % EVERY_NTH_IS_AN_EDIT == 0 and self.phones:
                worker_id = list(self.phones)[step % len(self.phones)]
                id_number = next(n for n, i in self.registered.items() if i == worker_id)
                phone, version = f"139{self.index:02d}{step:06d}", self.phones[worker_id][1]
                response = await self.client.put(f"/api/v1/workers/{worker_id}", headers=headers, json=api_body(
                    id_number, f"工人{self.index}", phone=phone, version=version))
                if response.status_code != 200:
                    self._failed(response)
                    continue
                self.phones[worker_id] = (phone, response.json()["version"])
            else:
                id_number = number(LIAOZHONG, born, step)
                phone = f"138{self.index:02d}{step:06d}"
                response = await self.client.post("/api/v1/workers", headers=headers,
                                                  json=api_body(id_number, f"工人{self.index}", phone=phone))
                if response.status_code != 201:
                    self._failed(response)
                    continue
                self.registered[id_number] = response.json()["id"]
                self.phones[response.json()["id"]] = (phone, 1)


async def test_twenty_writers_on_two_processes_lose_nothing_and_never_see_a_locked_database(two_servers):
    writers = []
    for i in range(WRITERS):
        await create_user(f"writer{i}", "county_clerk", county_code=LIAOZHONG)
        writers.append(Writer(i, two_servers[i % 2].client()))
    try:
        headers = await asyncio.gather(*(api_session(w.client, f"writer{w.index}") for w in writers))
        until = time.monotonic() + LOAD_SECONDS
        await asyncio.gather(*(w.run(h, until) for w, h in zip(writers, headers)))
    finally:
        for writer in writers:
            await writer.client.aclose()

    failures = [f for w in writers for f in w.failures]
    assert not [f for f in failures if "locked" in f.lower()], failures[:5]
    assert not failures, failures[:5]
    acknowledged = {worker_id: phone for w in writers for worker_id, (phone, _version) in w.phones.items()}
    edited = sum(version > 1 for w in writers for _phone, version in w.phones.values())
    assert len(acknowledged) >= WRITERS and edited >= WRITERS  # the load did both kinds of write
    rows = await Worker.select(Worker.id, Worker.id_number, Worker.phone)
    assert {r["id"]: r["phone"] for r in rows} == acknowledged
    registered = {n: i for w in writers for n, i in w.registered.items()}
    assert {r["id_number"]: r["id"] for r in rows} == registered
