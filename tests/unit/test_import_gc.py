"""The import pauses Python's cyclic garbage collector while it validates, and always switches it back on."""

import gc
import threading

import pytest

from export_mgmt.workers.imports.validate import cyclic_gc_paused


def test_collector_is_back_on_after_a_pause_even_when_the_work_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a row the validator did not expect")
    assert gc.isenabled()


def test_two_imports_at_once_keep_it_off_until_the_last_one_ends():
    first_in, release = threading.Event(), threading.Event()
    seen = {}

    def first():
        with cyclic_gc_paused():
            first_in.set()
            release.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with cyclic_gc_paused():
        seen["inside"] = gc.isenabled()
    seen["after second"] = gc.isenabled()
    release.set()
    thread.join(5)
    assert seen == {"inside": False, "after second": False}
    assert gc.isenabled()
