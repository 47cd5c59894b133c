"""Quiet hours: what the bot sends on its own waits for the recipient's working hours in their
own time zone. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.domain.sessions import zone

_SPEC = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset(range(5))  # Monday = 0

    @classmethod
    def parse(cls, hours: str, days: str) -> WorkingHours:
        """`"09:00-18:00"` and `"mon-fri"` (or `"mon,tue,thu"`); ValueError saying how."""
        found = _SPEC.match(hours.strip())
        if found is None:
            raise ValueError("write hours like 09:00-18:00")
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if not (0 <= h1 < 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
            raise ValueError("hours go from 00:00 to 24:00")
        start, end = time(h1, m1), time(min(h2, 23), 59 if h2 == 24 else m2)
        if end <= start:
            raise ValueError("the end must come after the start")
        return cls(start, end, _days(days))

    def open_at(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end


def _days(spec: str) -> frozenset[int]:
    text = spec.strip().lower()
    if "-" in text and "," not in text:
        first, _, last = text.partition("-")
        if first not in DAY_NAMES or last not in DAY_NAMES:
            raise ValueError("write days like mon-fri")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last)
        return frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(b + 1)])
    names = [d.strip() for d in text.split(",") if d.strip()]
    if not names or any(d not in DAY_NAMES for d in names):
        raise ValueError("write days like mon-fri or mon,wed,fri")
    return frozenset(DAY_NAMES.index(d) for d in names)


def next_open(at: datetime, timezone: str, hours: WorkingHours) -> datetime:
    """`at` if it falls in the person's working hours, else the start of their next window."""
    here = at.astimezone(zone(timezone))
    if hours.open_at(here):
        return at
    day = here.date()
    for step in range(8):
        candidate = datetime.combine(day + timedelta(days=step), hours.start, tzinfo=here.tzinfo)
        if candidate >= here and candidate.weekday() in hours.days:
            return candidate.astimezone(at.tzinfo)
    return at  # no working day at all: never hold a message forever


def next_shared(
    at: datetime, zones: Sequence[str], hours: WorkingHours, *, fallback: str
) -> datetime:
    """The first moment from `at` that is inside everyone's working hours (checked hour by hour
    over a week); without one, the `fallback` person's next window (a group DM: the leader's)."""
    probe = next_open(at, zones[0], hours) if zones else at
    for _ in range(24 * 8):
        if all(hours.open_at(probe.astimezone(zone(z))) for z in zones):
            return probe
        probe = (probe + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return next_open(at, fallback, hours)
