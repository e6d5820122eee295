"""Reading an import's workbook and judging its rows a batch at a time, beside the database write.

Validation is pure Python and holds the interpreter lock, so a thread cannot run it while the same process
feeds the database: measured on 100,000 rows, a thread beside sqlite3's executemany overlapped almost nothing.
A large file is therefore read and judged in another process (InProcess: a pool started once per server or
command and kept), while this process only writes each batch as it comes back; it never holds the sheet. A
small file is read and judged in threads (InThread), where starting a process would cost more than it saves.
Either way the batches come back in file order, judged by the same function (judge), so the result does not
depend on where it ran.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from export_mgmt.accounts.actor import Actor
from export_mgmt.i18n import get_locale, set_locale
from export_mgmt.workers.imports.kept import KeptPool, pool_gone
from export_mgmt.workers.imports.reader import ParsedSheet, read_workbook
from export_mgmt.workers.imports.store import pack
from export_mgmt.workers.imports.validate import RowValidator, Validated, cyclic_gc_paused, file_numbers

# Below this size a file is read and judged in threads: a new process costs about a second to start. An .xlsx
# register takes about 35 bytes a row, so this is about 10,000 rows.
PROCESS_MIN_BYTES = 350_000
# Batches queued in the pool ahead of the writer. Enough to keep the judging process busy while a batch is
# written; not all of them, or judged batches pile up in this process whenever the writer is the slower (a
# machine busy with other work): a 100,000-row import then peaked 15 MiB higher from one run to the next.
AHEAD = 4


@dataclass(frozen=True)
class Opened:
    """What the writer needs to know of a workbook that was read (wherever it was read)."""

    sheet_name: str
    columns: dict[int, str]
    ignored: list[str]
    row_count: int
    numbers: dict[int, str]  # row -> identity number as the file carries it (validate.file_numbers); the
    # writer clears it once it has asked the pool about them


@dataclass(frozen=True)
class Judge:
    """Who judges, and how: the same for every batch of an import."""

    actor: Actor
    today: dt.date
    default_county: str
    locale: str


def _open(sheet: ParsedSheet) -> Opened:
    return Opened(sheet.sheet_name, sheet.columns, sheet.ignored, len(sheet.rows), file_numbers(sheet))


def judge(columns: dict[int, str], how: Judge, rows: list[tuple[int, list[Any]]]) -> Validated:
    """The rows through the register form's validation (in this process or a pool's); the good rows come back
    pack()ed for the writer."""
    set_locale(how.locale)
    with cyclic_gc_paused():
        validator = RowValidator(ParsedSheet(sheet_name="", columns=columns), how.actor, how.today,
                                 default_county=how.default_county)
        validator.run(rows)
        result = validator.result
        result.good = [(row, pack(cleaned)) for row, cleaned in result.good]  # see store.Packed
    return result


def ranges(row_count: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, row_count)) for start in range(0, row_count, size)]


# ---- in threads ------------------------------------------------------------------------------------------

class InThread:
    """Reads in a thread and keeps the sheet; judges each batch in a thread, one batch ahead of the writer."""

    def __init__(self) -> None:
        self.sheet: ParsedSheet | None = None
        self.pending: dict[int, asyncio.Future] = {}
        self.batches: list[tuple[int, int]] = []
        self.how: Judge | None = None

    async def open(self, data: bytes, max_rows: int, locale: str) -> Opened:
        self.sheet = await asyncio.to_thread(read_workbook, data, max_rows)
        return await asyncio.to_thread(_open, self.sheet)

    def start(self, how: Judge, batches: list[tuple[int, int]], first: int = 0) -> None:
        self.how, self.batches = how, batches
        self._ahead(first)

    def _ahead(self, k: int) -> None:
        if k < len(self.batches) and k not in self.pending:
            assert self.sheet is not None and self.how is not None
            start, stop = self.batches[k]
            self.pending[k] = asyncio.ensure_future(asyncio.to_thread(
                judge, self.sheet.columns, self.how, self.sheet.rows[start:stop]))

    async def result(self, k: int) -> Validated:
        self._ahead(k)
        self._ahead(k + 1)
        return await self.pending.pop(k)

    async def close(self) -> None:
        """However the import ends: a thread still judging is waited for."""
        if self.pending:
            await asyncio.gather(*self.pending.values(), return_exceptions=True)
        self.pending.clear()


# ---- in the process pool ---------------------------------------------------------------------------------
# The pool has ONE process: an import's batches are judged where its sheet was read (_sheets). Several
# imports at once share it, a task at a time; each batch is a few hundred milliseconds.

_sheets: dict[str, ParsedSheet] = {}  # in the pool's process: the sheets of the imports under way, by token


def _read_there(token: str, data: bytes, max_rows: int, locale: str) -> Opened:
    set_locale(locale)
    sheet = read_workbook(data, max_rows)  # FileRefused travels back to the writer like any exception
    _sheets[token] = sheet
    return _open(sheet)


def _judge_there(token: str, how: Judge, start: int, stop: int) -> Validated:
    sheet = _sheets[token]
    return judge(sheet.columns, how, sheet.rows[start:stop])


def _forget_there(token: str) -> None:
    _sheets.pop(token, None)


# The judging process: one for the process that imports (the import process, or the command's).
JUDGING = KeptPool()


def pool() -> ProcessPoolExecutor:
    return JUDGING.get()


def shutdown() -> None:
    """Stop the judging process (the import process's and the server's shutdown call this)."""
    JUDGING.shutdown()


class InProcess:
    """Reads and judges in the pool's process, AHEAD batches ahead of the writer. Should that process die, the
    file is read here and the batches not yet back are judged in threads (InThread)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.executor = pool()
        self.data = b""
        self.max_rows = 0
        self.locale = ""
        self.pending: dict[int, asyncio.Future] = {}
        self.fallback: InThread | None = None
        self.how: Judge | None = None
        self.batches: list[tuple[int, int]] = []

    async def open(self, data: bytes, max_rows: int, locale: str) -> Opened:
        self.data, self.max_rows, self.locale = data, max_rows, locale
        try:
            return await asyncio.wrap_future(self.executor.submit(_read_there, self.token, data, max_rows, locale))
        except Exception as exc:
            if not pool_gone(exc):
                raise
            self._broken()
            assert self.fallback is not None
            return await self.fallback.open(data, max_rows, locale)

    def start(self, how: Judge, batches: list[tuple[int, int]]) -> None:
        self.how, self.batches = how, batches
        if self.fallback is not None:
            self.fallback.start(how, batches)
            return
        try:
            for k in range(min(AHEAD, len(batches))):
                self._submit(k)
        except Exception as exc:  # result() finds its batch missing and takes the way for a lost pool
            if not pool_gone(exc):
                raise

    def _submit(self, k: int) -> None:
        if k < len(self.batches) and k not in self.pending:
            start, stop = self.batches[k]
            self.pending[k] = asyncio.wrap_future(self.executor.submit(_judge_there, self.token, self.how, start, stop))

    async def result(self, k: int) -> Validated:
        if self.fallback is None:
            try:
                self._submit(k)  # queued already, unless start() found the pool gone
                self._submit(k + AHEAD - 1)  # keeps AHEAD batches queued or being judged, counting this one
                return await self.pending.pop(k)
            except Exception as exc:
                if not pool_gone(exc):
                    raise
                self._broken()
                assert self.fallback is not None and self.how is not None
                await self.fallback.open(self.data, self.max_rows, self.locale)
                self.fallback.start(self.how, self.batches, first=k)
        return await self.fallback.result(k)

    def _broken(self) -> None:
        # A pool process died (killed, out of memory): the rest is done here; a new pool starts next time.
        JUDGING.discard(self.executor)
        for future in self.pending.values():  # not cancelled (see KeptPool.discard): the pool fails them
            future.add_done_callback(_seen)
        self.pending.clear()
        self.fallback = InThread()

    async def close(self) -> None:
        """However the import ends: queued batches are dropped and the pool's process forgets the sheet."""
        for future in self.pending.values():
            future.cancel()
        if self.pending:
            await asyncio.gather(*self.pending.values(), return_exceptions=True)
        self.pending.clear()
        if self.fallback is not None:
            await self.fallback.close()
        elif JUDGING.current is self.executor:
            try:
                await asyncio.wrap_future(self.executor.submit(_forget_there, self.token))
            except Exception as exc:
                if not pool_gone(exc):  # gone, the pool took the sheet with it
                    raise


def _seen(future: asyncio.Future) -> None:
    """A dropped batch's BrokenProcessPool, taken so that asyncio does not report it as never retrieved."""
    if not future.cancelled():
        future.exception()


def place_for(data: bytes, token: str) -> InThread | InProcess:
    return InProcess(token) if len(data) >= PROCESS_MIN_BYTES else InThread()


def judge_how(actor: Actor, today: dt.date, default_county: str) -> Judge:
    return Judge(actor, today, default_county, get_locale())
