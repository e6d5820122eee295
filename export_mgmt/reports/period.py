"""A reporting month: its first and last day, and the year to date it closes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from export_mgmt.clock import today


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str) -> Period | None:
        """A month written YYYY-MM, from 2000 up to the current month; None when it is anything else."""
        raw = raw.strip()
        if len(raw) != 7 or raw[4] != "-" or not (raw[:4].isdigit() and raw[5:].isdigit()):
            return None
        year, month = int(raw[:4]), int(raw[5:])
        now = today()
        if not 1 <= month <= 12 or year < 2000 or (year, month) > (now.year, now.month):
            return None
        return cls(year, month)

    @classmethod
    def previous(cls, on: dt.date) -> Period:
        first = on.replace(day=1) - dt.timedelta(days=1)
        return cls(first.year, first.month)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next_start(self) -> dt.date:
        return dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next_start - dt.timedelta(days=1)

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)
