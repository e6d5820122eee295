"""The embedded engine reads INTEGER, TIMESTAMPTZ, DATE and BOOLEAN values with its own converters
(sqlite_engine); each gives exactly what Piccolo's own converter gives for the same stored text."""

from __future__ import annotations

import sqlite3
from decimal import InvalidOperation

import pytest
from piccolo.engine import sqlite as piccolo_sqlite

from export_mgmt import sqlite_engine

CASES = [
    ("INTEGER", b"0"), ("INTEGER", b"42"), ("INTEGER", b"-7"), ("INTEGER", b"9007199254740993"),
    ("INTEGER", b"3.0"),  # an integer column holding text "3.0": Piccolo reads 3
    ("TIMESTAMPTZ", b"2026-11-29 08:15:02.123456+00:00"), ("TIMESTAMPTZ", b"2026-11-29 08:15:02"),
    ("DATE", b"1970-02-28"), ("BOOLEAN", b"1"), ("BOOLEAN", b"0"),
]


@pytest.mark.parametrize(("declared", "stored"), CASES)
def test_each_value_reads_as_piccolo_reads_it(declared, stored):
    ours = sqlite3.converters[declared]
    assert ours.__module__ == sqlite_engine.__name__
    theirs = piccolo_sqlite.CONVERTERS[declared]
    assert ours(stored) == theirs(stored)
    assert type(ours(stored)) is type(theirs(stored))
    if declared == "TIMESTAMPTZ":
        assert ours(stored).tzinfo == theirs(stored).tzinfo


def test_a_value_that_is_no_integer_fails_as_with_piccolo():
    with pytest.raises(InvalidOperation):
        piccolo_sqlite.CONVERTERS["INTEGER"](b"abc")
    with pytest.raises(InvalidOperation):
        sqlite3.converters["INTEGER"](b"abc")
