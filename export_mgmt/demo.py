"""A realistic demo data set, built offline and reproducibly: every Shenyang county, workers, one user per role."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from export_mgmt.accounts.passwords import hash_password
from export_mgmt.accounts.tables import AppUser
from export_mgmt.agencies.tables import Agency
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.db import write_transaction
from export_mgmt.demo_placements import load_placements
from export_mgmt.idnumber import make_number
from export_mgmt.regions import shenyang_counties, townships_of
from export_mgmt.targets.services import DEMO_YEAR, load_demo_targets
from export_mgmt.workers.tables import Worker, WorkerLanguage, WorkerSkill

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰凤华建国建华红梅海燕志强淑珍立新春生"
TRADES = ["焊工", "电工", "木工", "瓦工", "钢筋工", "厨师", "缝纫工", "叉车司机", "养殖工", "农艺工", "护理员",
          "汽车修理工"]
VILLAGES = ["前进村", "红旗村", "新立村", "太平村", "永安村", "兴隆村", "东升村", "长胜村"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    display_name: str
    county_code: str | None = None


DEMO_USERS = [
    DemoUser("admin", "Demo-admin-2026", "admin", "市局管理员"),
    DemoUser("clerk", "Demo-clerk-2026", "county_clerk", "辽中区劳动力办公室", "210115"),
    DemoUser("agency", "Demo-agency-2026", "agency_staff", "沈阳对外劳务合作公司职员"),
    DemoUser("inspector", "Demo-inspector-2026", "inspector", "劳动保障监察员"),
    DemoUser("inspector2", "Demo-inspector-2026", "inspector", "劳动保障监察员（二）"),
    DemoUser("supervisor", "Demo-supervisor-2026", "supervisor", "市局督查"),
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_region(rng: random.Random, county_code: str, birth: dt.date) -> str:
    """Older residents carry the codes of their day: 辽中县 210122 before 2016, 新民县 210121 before 1993."""
    if county_code == "210115" and birth.year < 2000 and rng.random() < 0.7:
        return "210122"
    if county_code == "210181" and birth.year < 1980 and rng.random() < 0.5:
        return "210121"
    return county_code


def build_workers(per_county: int = 30, seed: int = 2004, today: dt.date | None = None) -> list[dict]:
    rng = random.Random(seed)
    today = today or dt.date(2026, 1, 1)
    rows, seen = [], set()
    for county in shenyang_counties():
        townships = townships_of(county.code)
        for _ in range(per_county):
            birth = today - dt.timedelta(days=rng.randint(18 * 365, 58 * 365))
            region = _id_region(rng, county.code, birth)
            number = make_number(region, birth, rng.randint(1, 999))
            if number in seen:
                continue
            seen.add(number)
            town = rng.choice(townships) if townships else None
            parsed_sex = "M" if int(number[16]) % 2 else "F"
            rows.append({
                "id_number": number, "name": _name(rng), "sex": parsed_sex, "birth_date": birth,
                "id_region_code": region, "county_code": county.code,
                "township_code": town.code if town else None, "township_name": town.name if town else "",
                "village": rng.choice(VILLAGES), "phone": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                "education": rng.choice(["primary", "junior_secondary", "junior_secondary", "senior_secondary",
                                         "vocational"]),
                "intention": rng.choice(["domestic", "overseas", "either"]),
                "preferred_destinations": rng.choice(["KR", "JP", "SG,KR", "YRD", "PRD", "YRD,PRD", ""]),
                "status": rng.choice(["available"] * 6 + ["in_training", "placed", "abroad", "returned"]),
                "health_check_date": today - dt.timedelta(days=rng.randint(10, 400)),
                "health_check_result": rng.choice(["fit", "fit", "fit", "conditional"]),
            })
    # People the registry must handle: a Heping number issued before the district existed for this person.
    rows.append({**rows[0], "id_number": make_number("210102", dt.date(1965, 3, 8), 42), "name": "孙桂兰",
                 "sex": "F", "birth_date": dt.date(1965, 3, 8), "id_region_code": "210102", "county_code": "210102",
                 "township_code": None, "township_name": "", "village": ""})
    return rows


async def load_demo(out=print) -> None:
    if await Worker.count() > 0:
        out("Demo data already present; nothing loaded.")
        return
    rng = random.Random(7)
    hashes = {u.username: await hash_password(u.password) for u in DEMO_USERS}
    workers = build_workers()
    async with write_transaction():
        ids = await Worker.insert(*[Worker(**row) for row in workers]).returning(Worker.id)
        skills = [WorkerSkill(worker=r["id"], trade=rng.choice(TRADES), level=rng.choice(["", "5", "4", "3"]),
                              certificate_no=f"{rng.randint(10**9, 10**10 - 1)}")
                  for r in ids if rng.random() < 0.6]
        languages = [WorkerLanguage(worker=r["id"], language=rng.choice(["ko", "ja"]), level="basic",
                                    test_name=rng.choice(["EPS-TOPIK", "JLPT N4", "JLPT N3"]),
                                    score=rng.randint(80, 180))
                     for r in ids if rng.random() < 0.25]
        await WorkerSkill.insert(*skills)
        await WorkerLanguage.insert(*languages)
        placed = await load_placements(rng, today())
        placed["targets"] = await load_demo_targets(today().year)
        first_agency = await Agency.select(Agency.id).order_by(Agency.id).first()
        for user in DEMO_USERS:
            if await AppUser.exists().where(AppUser.username == user.username):
                continue
            await AppUser.insert(AppUser(
                username=user.username, display_name=user.display_name, password_hash=hashes[user.username],
                role=user.role, county_code=user.county_code,
                agency=first_agency["id"] if user.role == "agency_staff" else None,
            ))
        await audit.record(None, "demo", "all", "loaded", {"workers": [0, len(ids)], "users": [0, len(DEMO_USERS)],
                                                           **{k: [0, v] for k, v in placed.items()}})
    # The follow-ups and the case go through the services (each its own transaction), as a real day would.
    from export_mgmt.demo_followups import load_followups

    tracked = await load_followups()
    from export_mgmt.demo_complaints import load_complaints

    filed = await load_complaints()
    out(f"Loaded {len(ids)} workers in {len(shenyang_counties())} counties, {placed['agencies']} agencies with "
        f"{placed['licences']} licences, {placed['brokers']} brokers, {placed['employers']} employers and "
        f"{placed['placements']} placements, {tracked['followups']} follow-ups, {tracked['cases']} inspection case "
        f"and {filed} complaints.")
    out(f"Export targets set for {DEMO_YEAR} (the city's 180,000 exported, 10,000 overseas) and {today().year}.")
    out("Demo accounts (user name / password / role):")
    for user in DEMO_USERS:
        out(f"  {user.username:<11} {user.password:<20} {user.role}")
