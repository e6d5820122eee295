"""The bureau's clock: times are stored in UTC, dates (ages, validity, deadlines) are Shenyang calendar days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Ages, the 4050 group, licence validity and deadlines count on the bureau's calendar day."""
    return dt.datetime.now(BUREAU_TZ).date()
