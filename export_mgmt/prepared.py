"""Piccolo selects compiled to SQL once and run many times with new values: the hot read paths.

Building a Piccolo select and compiling it to SQL costs 0.1–0.25 ms of Python per statement, every time; on a
page of three small statements that was most of the request (the worker record by identity number: about
0.75 ms of Piccolo against 0.12 ms for the same statements through the driver). Here the query is still written
with Piccolo, with a Slot where a value changes from call to call; the first call compiles it for the engine,
later calls put the values in and hand the compiled statement to the engine, skipping the query builder.

For plain selects and counts: the rows come back as Piccolo's select gives them as long as the query has no
nested output, JSON columns to load or M2M columns (none of the queries prepared here has); and for a single-row
INSERT on a hot path (the audit row of a read), which the engine sends where any write outside a transaction goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from piccolo.query.base import Query
from piccolo.querystring import QueryString


class Slot(str):
    """A value given at run time, standing in the query while it is compiled.

    A str, so that Piccolo takes it wherever the value will be text, LIKE patterns included (it must then
    contain "%"); numbers and dates are accepted by Piccolo's comparisons untyped.
    """

    name: str

    def __new__(cls, name: str) -> Slot:
        slot = super().__new__(cls, f"%{name}%")
        slot.name = name
        return slot


# key -> (engine, the statement as the engine takes it, the query's values with its Slots)
_compiled: dict[Any, tuple[Any, str, tuple]] = {}


def _compile(query: Query) -> tuple[Any, str, tuple]:
    querystrings = query.querystrings
    if len(querystrings) != 1:
        raise ValueError("only a query of one statement can be prepared")
    engine = query.table._meta.db
    sql, values = querystrings[0].compile_string(engine_type=engine.engine_type)
    return engine, sql, tuple(values)


async def rows(key: Any, build: Callable[[], Query], values: Mapping[str, Any] | None = None,
               limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """The rows of build()'s query with the Slots given `values`. `key` names the query's shape: two calls
    with the same key must build the same query but for the Slots' values. LIMIT and OFFSET are given here,
    as values (Piccolo writes them into the SQL text)."""
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = _compile(build())
    engine, sql, compiled = found
    args = [values[value.name] if isinstance(value, Slot) else value for value in compiled]  # type: ignore[index]
    if limit is not None:
        if engine.engine_type == "sqlite":
            sql += " LIMIT ? OFFSET ?"
        else:
            sql += f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}"
        args += [limit, offset]
    # The statement goes to the engine already compiled, as Piccolo's own frozen queries send theirs: the engine
    # still picks the connection (the current transaction's, or the pool's). The SQLite engine takes it as it is.
    run_compiled = getattr(engine, "run_compiled", None)
    if run_compiled is not None and not engine.log_queries:
        return await run_compiled(sql, args)
    querystring = QueryString("")
    querystring._frozen_compiled_strings = (sql, args)
    response = await engine.run_querystring(querystring)
    return engine.transform_response_to_dicts(response) if response else []
