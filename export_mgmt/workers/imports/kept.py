"""A process kept for an import's CPU work: a one-process pool started on first use and kept for the next import.

Two are used: the import process (jobs.IMPORT_PROCESS), where a large upload is read, judged and written away from
the web server's event loop, and, inside whatever process imports, the judging process (judging.py). Both run at
a lower priority than the server, so on a machine with few cores pages keep answering during an import; and both
end when the process that started them ends, however it ends: a pool's process otherwise waits for work forever
once its parent was killed (it holds both ends of its own work queue), and a killed web server left an import
process and a judging process behind, 100–150 MiB each, on every restart.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

NICENESS = 10  # added to the server's own; the kernel caps it at 19
PARENT_CHECK_SECONDS = 0.2
_parent: int | None = None  # in a kept process: the process that started it


def lower_priority() -> None:
    """The process yields the processor to the server's own work (web requests) when both want it."""
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: the same priority as the server, as before
        pass


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    # Orphaned (the parent died without stopping the pool): whatever was under way is abandoned; a database
    # transaction of this process's is rolled back when its connection goes.
    os._exit(1)


def start_kept_process() -> None:
    """Each kept process, as it starts: a lower priority, and a thread that ends it when its parent is gone."""
    global _parent
    lower_priority()
    _parent = os.getppid()
    threading.Thread(target=_end_with, args=(_parent,), name="ends-with-parent", daemon=True).start()


def end_if_orphaned() -> None:
    """Called by work about to commit: in a kept process whose parent is gone, the process ends here and its
    transaction is rolled back, instead of committing in the moment before the watching thread looks. A server
    killed during an import then leaves nothing of the file, every time. Elsewhere (the server's own process)
    nothing happens."""
    if _parent is not None and os.getppid() != _parent:
        os._exit(1)


class KeptPool:
    def __init__(self, initializer: Callable[[], None] = start_kept_process) -> None:
        self.initializer = initializer
        self.current: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self) -> ProcessPoolExecutor:
        """The pool, started on first use. Spawned, not forked: the server has threads and open connections that
        a forked child must not inherit."""
        with self._lock:
            if self.current is None:
                self.current = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                   initializer=self.initializer)
                # A process of multiprocessing's joins its children as it ends, before concurrent.futures would
                # stop their pools: the import process, told to stop, waited forever for its judging process
                # (which waited for work), and the server's shutdown with it. So the pool is stopped by a
                # finalizer, ahead of the pool's own queues' (priority 10), which would close the pipe its
                # stop message goes through.
                multiprocessing.util.Finalize(None, self.shutdown, exitpriority=100)
            return self.current

    def discard(self, broken: ProcessPoolExecutor) -> None:
        """Drop a pool whose process died; the next use starts a new one."""
        with self._lock:
            if self.current is broken:
                self.current = None
        # No cancel_futures: a broken pool fails every future it holds itself, and on Python 3.11 its manager
        # thread raises InvalidStateError on any we cancelled first (it sets the exception without looking).
        broken.shutdown(wait=False)

    def shutdown(self) -> None:
        """Stop the pool's process, after the task it is running (the server's shutdown calls this)."""
        with self._lock:
            current, self.current = self.current, None
        if current is not None:
            current.shutdown(wait=True, cancel_futures=True)


def pool_gone(exc: BaseException) -> bool:
    """The pool can no longer take work: its process died (BrokenProcessPool), or it was shut down meanwhile
    (another import found it broken and dropped it, or the server is stopping)."""
    return isinstance(exc, BrokenProcessPool) or (isinstance(exc, RuntimeError) and "after shutdown" in str(exc))
