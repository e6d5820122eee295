"""Judging an import's rows a batch at a time, beside the database write.

Validation is pure Python and holds the interpreter lock, so a thread cannot run it while the same process
feeds the database: measured on 100,000 rows, a thread beside sqlite3's executemany overlapped almost nothing.
A large file is therefore judged in another process (a pool started once per server or command and kept),
while this process writes each batch as it comes back; a small file is judged in a thread, where starting a
process would cost more than it saves. Either way the batches come back in file order, and the same function
(judge) judges them, so the result does not depend on where it ran.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from export_mgmt.accounts.actor import Actor
from export_mgmt.i18n import get_locale, set_locale
from export_mgmt.workers.imports.reader import ParsedSheet
from export_mgmt.workers.imports.store import pack
from export_mgmt.workers.imports.validate import RowValidator, Validated, cyclic_gc_paused

# Below this many rows a file is judged in a thread: a new process costs about a second to start.
PROCESS_MIN_ROWS = 10_000


@dataclass(frozen=True)
class Batch:
    """What one batch's judge needs, all of it picklable."""

    columns: dict[int, str]
    actor: Actor
    today: dt.date
    default_county: str
    locale: str
    rows: list[tuple[int, list[Any]]]


def judge(batch: Batch) -> Validated:
    """The batch's rows through the register form's validation (in this process or a pool's); the good rows
    come back pack()ed for the writer."""
    set_locale(batch.locale)
    with cyclic_gc_paused():
        validator = RowValidator(ParsedSheet(sheet_name="", columns=batch.columns), batch.actor, batch.today,
                                 default_county=batch.default_county)
        validator.run(batch.rows)
        result = validator.result
        result.good = [(row, pack(cleaned)) for row, cleaned in result.good]  # see store.Packed
    return result


def batches(sheet: ParsedSheet, actor: Actor, today: dt.date, default_county: str, size: int) -> list[Batch]:
    locale = get_locale()
    return [Batch(sheet.columns, actor, today, default_county, locale, sheet.rows[i:i + size])
            for i in range(0, len(sheet.rows), size)]


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _workers() -> int:
    # One core stays with the process that writes (and with the database on a one-PC install).
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def pool() -> ProcessPoolExecutor:
    """The process pool, started on first use. Spawned, not forked: the server has threads and open
    connections that a forked child must not inherit."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=_workers(), mp_context=multiprocessing.get_context("spawn"))
        return _pool


def _discard_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the pool's processes (the server's and the command's shutdown call this)."""
    global _pool
    with _pool_lock:
        current, _pool = _pool, None
    if current is not None:
        current.shutdown(wait=True, cancel_futures=True)


class Judging:
    """The batches' results in order: all of them queued to the process pool at once, or, in a thread, each
    started as the one before it is taken (one batch ahead of the writer)."""

    def __init__(self, work: list[Batch], in_processes: bool):
        self.work = work
        self.pending: dict[int, asyncio.Future] = {}
        self.executor = pool() if in_processes and work else None
        if self.executor is not None:
            self.pending = {k: asyncio.wrap_future(self._submit(batch)) for k, batch in enumerate(work)}
        elif work:
            self.pending[0] = asyncio.ensure_future(asyncio.to_thread(judge, work[0]))

    def _submit(self, batch: Batch) -> Future:
        assert self.executor is not None
        return self.executor.submit(judge, batch)

    def _in_thread(self, k: int) -> None:
        if k < len(self.work) and k not in self.pending:
            self.pending[k] = asyncio.ensure_future(asyncio.to_thread(judge, self.work[k]))

    async def result(self, k: int) -> Validated:
        if self.executor is None:
            self._in_thread(k)
            self._in_thread(k + 1)
        try:
            return await self.pending.pop(k)
        except BrokenProcessPool:
            # A pool process died (killed, out of memory): judge the rest here; a new pool starts next time.
            if self.executor is not None:
                _discard_pool(self.executor)
                self.executor = None
            await self.close()
            return await self.result(k)

    async def close(self) -> None:
        """Called however the import ends: queued batches are dropped, a thread still judging is waited for."""
        if self.executor is not None:
            for future in self.pending.values():
                future.cancel()
        if self.pending:
            await asyncio.gather(*self.pending.values(), return_exceptions=True)
        self.pending.clear()
