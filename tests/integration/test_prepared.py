"""Prepared selects (export_mgmt.prepared): compiled once, they give what Piccolo's own query gives, for every
set of values they are run with."""

from __future__ import annotations

import itertools

from export_mgmt import prepared
from export_mgmt.db import contains, contains_pattern, like_ignoring_case, where_all
from export_mgmt.prepared import Slot
from export_mgmt.workers.tables import Worker
from tests.integration.workers.helpers import HEPING, KANGPING, LIAOZHONG, add_worker, number

_keys = itertools.count()


async def _workers() -> None:
    for i, (name, county) in enumerate([("王芳", LIAOZHONG), ("王强", HEPING), ("李娜", LIAOZHONG),
                                        ("王{伟}", KANGPING), ("张_三", LIAOZHONG)]):
        await add_worker(name, number(county, seq=100 + i), county_code=county)


def _ids(rows) -> list[int]:
    return [r["id"] for r in rows]


async def test_a_prepared_search_matches_piccolo_for_every_value_it_is_given():
    await _workers()
    key = ("test search", next(_keys))

    def build():
        return where_all(Worker.select(Worker.id, Worker.name, Worker.county_code),
                         [Worker.county_code == Slot("county"), like_ignoring_case(Worker.name, Slot("name"))]
                         ).order_by(Worker.id)

    for county, text in [(LIAOZHONG, "王"), (HEPING, "王"), (LIAOZHONG, "娜"), (KANGPING, "{伟}"),
                         (LIAOZHONG, "_"), (HEPING, "李")]:
        want = await Worker.select(Worker.id, Worker.name, Worker.county_code).where(
            Worker.county_code == county).where(contains(Worker.name, text)).order_by(Worker.id)
        got = await prepared.rows(key, build, {"county": county, "name": contains_pattern(text)})
        assert got == want
    assert len(prepared._compiled) >= 1


async def test_limit_offset_and_count_are_values_too():
    await _workers()
    key = ("test page", next(_keys))

    def build():
        return Worker.select(Worker.id).where(Worker.county_code == Slot("county")).order_by(Worker.id)

    everyone = _ids(await Worker.select(Worker.id).where(Worker.county_code == LIAOZHONG).order_by(Worker.id))
    assert len(everyone) == 3
    assert _ids(await prepared.rows(key, build, {"county": LIAOZHONG}, limit=2)) == everyone[:2]
    assert _ids(await prepared.rows(key, build, {"county": LIAOZHONG}, limit=2, offset=2)) == everyone[2:]
    counted = await prepared.rows(("test count", next(_keys)), lambda: Worker.count().where(
        Worker.county_code == Slot("county")), {"county": HEPING})
    assert counted[0]["count"] == 1


async def test_a_whole_record_comes_back_typed_as_piccolo_gives_it():
    await _workers()
    wanted = number(HEPING, seq=101)
    got = await prepared.rows(("test record", next(_keys)), lambda: Worker.select().where(
        Worker.id_number == Slot("number")), {"number": wanted})
    assert got == await Worker.select().where(Worker.id_number == wanted)
    assert got[0]["birth_date"].year == 1985 and got[0]["created_at"].tzinfo is not None
