"""Two real server processes on the suite's database, started once for the fault tests that share them."""

import asyncio

import pytest

from tests.integration.faults.servers import Server


@pytest.fixture(scope="package")
async def two_servers():
    servers = [Server(), Server()]
    try:
        await asyncio.gather(*(server.start() for server in servers))
        yield servers
    finally:
        for server in servers:
            server.stop()
