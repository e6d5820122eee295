"""Public tracking: the tracking number and a second factor show the status and nothing about people; a client
address that keeps guessing is throttled, and so is one that keeps filing."""

from __future__ import annotations

import datetime as dt
import json

import msgspec
import pytest

from export_mgmt.clock import utcnow
from export_mgmt.complaints import tracking
from export_mgmt.complaints.schemas import Recovery
from export_mgmt.complaints.tables import Complaint, PublicAttempt
from export_mgmt.complaints.tracking import Throttled, lookup
from export_mgmt.complaints.workflow import record_recovery
from tests.integration.complaints.helpers_services import (
    MONDAY,
    complaint,
    file,
    force,
    id_number,
    inspectors,
    move,
    reach,
    report,
    row,
    set_today,
    worker,
    workers_of,
)
from tests.integration.placements.helpers_rules import actor

D = dt.date
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


@pytest.fixture
async def filed():
    number = id_number(D(1988, 8, 8))
    data = complaint(complainant_name="张三", complainant_id_number=number, complainant_phone="13812345678",
                     respondent_name="沈阳某建筑工程有限公司",
                     workers=[worker("张三", 1_234_500, number=number), worker("王五", 987_600)])
    result = await file(None, data)
    return dict(filed=result, number=number, id=result.id)


async def failures(address: str) -> int:
    return await PublicAttempt.count().where((PublicAttempt.client_address == address)
                                             & (PublicAttempt.succeeded == False))  # noqa: E712


# ---- the second factor ---------------------------------------------------------------------------------------------

async def test_the_secret_opens_the_status(filed):
    f = filed["filed"]
    view = await lookup(f.tracking_no, f.secret, HOME)
    assert (view.tracking_no, view.kind, view.status, view.received_on) == (f.tracking_no, "complaint", "received",
                                                                            MONDAY)
    assert (view.next_deadline, view.deadline_kind, view.deadline_missing) == (D(2024, 3, 11), "decide_by", False)


async def test_codes_typed_back_loosely_still_work(filed):
    f = filed["filed"]
    typed_no = " " + f.tracking_no.lower()[:6] + "-" + f.tracking_no.lower()[6:] + " "
    typed_secret = f.secret[:4].lower() + " " + f.secret[4:].lower().replace("0", "o").replace("1", "l")
    assert (await lookup(typed_no, typed_secret, HOME)).tracking_no == f.tracking_no


def full_width(text: str) -> str:
    """As a Chinese input method types it: ＴＳ２０２４…"""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def test_codes_typed_in_full_width_characters_still_work(filed):
    f = filed["filed"]
    assert (await lookup(full_width(f.tracking_no), full_width(f.secret), HOME)) is not None
    assert (await lookup(full_width(f.tracking_no), full_width(filed["number"][-4:]), HOME)) is not None


async def test_a_factor_in_chinese_characters_is_just_wrong(filed):
    f = filed["filed"]
    assert await lookup(f.tracking_no, "张三李四", HOME) is None


async def test_the_last_four_of_the_complainants_identity_number_open_the_status(filed):
    f = filed["filed"]
    assert (await lookup(f.tracking_no, filed["number"][-4:], HOME)).status == "received"
    assert (await lookup(f.tracking_no, filed["number"][-4:].lower(), HOME)) is not None


async def test_a_wrong_factor_and_an_unknown_number_answer_alike(filed):
    f = filed["filed"]
    other = await file(None, complaint())
    wrong_four = "0000" if filed["number"][-4:] != "0000" else "1111"
    tries = [(f.tracking_no, wrong_four), (f.tracking_no, filed["number"][-5:]),  # five characters are not four
             (f.tracking_no, ""), (f.tracking_no, "ABCDEFGH"), ("TS2024ZZZZZZZZ", f.secret), ("", f.secret),
             (f.tracking_no, other.secret), (other.tracking_no, f.secret)]
    for n, (number, factor) in enumerate(tries):
        address = f"192.0.2.{n}"
        assert await lookup(number, factor, address) is None, (number, factor)
        assert await failures(address) == 1  # each counts against its address


async def test_the_identity_number_does_not_open_an_anonymous_report():
    f = await file(None, report(anonymous=True))
    assert await lookup(f.tracking_no, "0000", HOME) is None
    assert (await lookup(f.tracking_no, f.secret, HOME)).kind == "report"
    # Even were a number stored against an anonymous report, it would not be a key to it.
    number = id_number()
    await force(f.id, complainant_id_number=number)
    assert await lookup(f.tracking_no, number[-4:], HOME) is None


async def test_a_named_report_opens_only_with_the_secret():
    """A reporter must not be guessable from an identity number: reports track with the secret only."""
    number = id_number(D(1970, 7, 7))
    f = await file(None, report(complainant_id_number=number))
    assert await lookup(f.tracking_no, number[-4:], HOME) is None
    assert (await lookup(f.tracking_no, f.secret, HOME)).kind == "report"


async def test_a_complaint_without_an_identity_number_opens_only_with_the_secret():
    f = await file(None, complaint(complainant_id_number="", workers=[worker("张三", number="")]))
    assert await lookup(f.tracking_no, "", HOME) is None
    assert await lookup(f.tracking_no, "    ", HOME) is None
    assert await lookup(f.tracking_no, f.secret, HOME) is not None


# ---- what the view holds ------------------------------------------------------------------------------------------

async def test_the_view_names_nobody_and_shows_no_amount_claimed(filed, monkeypatch):
    set_today(monkeypatch, MONDAY)
    f = filed["filed"]
    inspector = await actor("inspector")
    await move(inspector, f.id, "accepted")
    zhang = (await workers_of(f.id))[0]
    await record_recovery(inspector, f.id, Recovery(complaint_worker_id=zhang["id"], amount=1_000_000,
                                                    version=(await row(f.id))["version"]))
    view = await lookup(f.tracking_no, f.secret, HOME)
    text = json.dumps(msgspec.to_builtins(view), ensure_ascii=False)
    for private in ("张三", "王五", "13812345678", filed["number"], "沈阳某建筑工程有限公司", "辽中区蒲东街道1号",
                    "1234500", "987600", "2222100", "工地拖欠三个月工资"):
        assert private not in text, private
    assert view.recovered == [("CNY", 1_000_000)]
    assert (view.status, view.next_deadline, view.deadline_kind) == ("accepted", D(2024, 5, 29), "investigate_by")


async def test_the_view_shows_the_decision_note_only_when_the_complainant_must_act(filed, monkeypatch):
    set_today(monkeypatch, MONDAY)
    f = filed["filed"]
    inspector = await actor("inspector")
    await move(inspector, f.id, "supplement_requested", note="请补充工资条")
    view = await lookup(f.tracking_no, f.secret, HOME)
    assert (view.status, view.decision_note, view.next_deadline, view.deadline_missing) == (
        "supplement_requested", "请补充工资条", None, False)
    await move(inspector, f.id, "received")
    assert (await lookup(f.tracking_no, f.secret, HOME)).decision_note == ""
    await move(inspector, f.id, "rejected", reject_reason="labour_dispute", note="请向仲裁委员会申请仲裁")
    view = await lookup(f.tracking_no, f.secret, HOME)
    assert (view.status, view.reject_reason, view.decision_note, view.closed_on) == (
        "rejected", "labour_dispute", "请向仲裁委员会申请仲裁", MONDAY)


async def test_the_view_shows_the_outcome_once_closed(filed, monkeypatch):
    set_today(monkeypatch, MONDAY)
    f = filed["filed"]
    inspector = await actor("inspector")
    await reach(inspector, f.id, "transferred", await inspectors(2))
    view = await lookup(f.tracking_no, f.secret, HOME)
    assert (view.status, view.outcome, view.next_deadline, view.deadline_kind) == ("transferred", "", None, "")
    await move(inspector, f.id, "closed", outcome="police", note="公安机关立案侦查")
    view = await lookup(f.tracking_no, f.secret, HOME)
    assert (view.status, view.outcome, view.closed_on) == ("closed", "police", MONDAY)
    assert "公安机关立案侦查" not in json.dumps(msgspec.to_builtins(view), ensure_ascii=False)


# ---- throttling ----------------------------------------------------------------------------------------------------

async def test_five_failures_lock_the_address_out_even_with_the_right_secret(filed):
    f = filed["filed"]
    for n in range(4):
        assert await lookup(f.tracking_no, f"WRONG{n}", HOME) is None
    assert await lookup(f.tracking_no, f.secret, HOME) is not None  # the fifth try is still a try
    assert await lookup(f.tracking_no, "WRONG4", HOME) is None
    for factor in (f.secret, filed["number"][-4:], "WRONG5"):
        with pytest.raises(Throttled):
            await lookup(f.tracking_no, factor, HOME)
    assert await failures(HOME) == 5  # a throttled look-up is not even counted
    # Another address is not affected.
    assert (await lookup(f.tracking_no, f.secret, ELSEWHERE)).status == "received"


async def test_failures_older_than_a_quarter_of_an_hour_no_longer_count(filed):
    f = filed["filed"]
    long_ago = utcnow() - dt.timedelta(minutes=16)
    await PublicAttempt.insert(*(PublicAttempt(action="track", client_address=HOME, succeeded=False,
                                               attempted_at=long_ago) for _ in range(10)))
    assert await lookup(f.tracking_no, f.secret, HOME) is not None
    recent = utcnow() - dt.timedelta(minutes=14)
    await PublicAttempt.insert(*(PublicAttempt(action="track", client_address=HOME, succeeded=False,
                                               attempted_at=recent) for _ in range(5)))
    with pytest.raises(Throttled):
        await lookup(f.tracking_no, f.secret, HOME)


async def test_thirty_look_ups_an_hour_even_when_they_succeed(filed):
    f = filed["filed"]
    await PublicAttempt.insert(*(PublicAttempt(action="track", client_address=HOME, succeeded=True)
                                 for _ in range(29)))
    assert await lookup(f.tracking_no, f.secret, HOME) is not None
    with pytest.raises(Throttled):
        await lookup(f.tracking_no, f.secret, HOME)
    assert await lookup(f.tracking_no, f.secret, ELSEWHERE) is not None


async def test_five_complaints_filed_an_hour_per_address():
    for _ in range(4):
        assert not await tracking.throttled("file", HOME)
        await tracking.note_attempt("file", HOME, True)
    assert not await tracking.throttled("file", HOME)
    await tracking.note_attempt("file", HOME, True)
    assert await tracking.throttled("file", HOME)
    assert not await tracking.throttled("file", ELSEWHERE)
    # Filing and looking up are counted apart.
    assert not await tracking.throttled("track", HOME)
    for _ in range(5):
        await tracking.note_attempt("track", ELSEWHERE, False)
    assert await tracking.throttled("track", ELSEWHERE) and not await tracking.throttled("file", ELSEWHERE)


async def test_a_form_sent_back_with_mistakes_does_not_lock_the_worker_out():
    """Submissions refused for mistakes count only towards thirty an hour, not the five filings."""
    for _ in range(10):
        await tracking.note_attempt("file", HOME, False)
    assert not await tracking.throttled("file", HOME)
    await PublicAttempt.insert(*(PublicAttempt(action="file", client_address=HOME, succeeded=False)
                                 for _ in range(19)))
    assert not await tracking.throttled("file", HOME)  # 29 submissions
    await tracking.note_attempt("file", HOME, True)
    assert await tracking.throttled("file", HOME)  # 30
    assert not await tracking.throttled("file", ELSEWHERE)


async def test_filings_older_than_an_hour_no_longer_count():
    await PublicAttempt.insert(*(PublicAttempt(action="file", client_address=HOME, succeeded=True,
                                               attempted_at=utcnow() - dt.timedelta(minutes=61)) for _ in range(9)))
    assert not await tracking.throttled("file", HOME)


async def test_attempts_are_forgotten_after_a_day():
    await PublicAttempt.insert(PublicAttempt(action="track", client_address=HOME,
                                             attempted_at=utcnow() - dt.timedelta(hours=25)),
                               PublicAttempt(action="track", client_address=HOME))
    assert await tracking.purge_attempts() == 1
    assert await PublicAttempt.count() == 1


async def test_an_over_long_address_is_cut_to_the_column():
    await tracking.note_attempt("track", "x" * 100, False)
    assert (await PublicAttempt.select(PublicAttempt.client_address).first())["client_address"] == "x" * 64


async def test_the_secret_is_not_stored(filed):
    f = filed["filed"]
    stored = await Complaint.select().where(Complaint.id == f.id).first()
    assert f.secret not in json.dumps(stored, default=str)
