"""When automatic matching rounds run: "off", every week, or once a month, on a weekday.

A cadence is stored as one short string so that it fits a select option and a column:
`off`, `weekly:mon` (every Monday) or `monthly:mon` (the first Monday of each month).
Rounds start at ROUND_HOUR_UTC on their day, so every replica agrees on the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.profile import DAY_LABELS, DAYS

ROUND_HOUR_UTC = 9
OFF = "off"
_KINDS = ("weekly", "monthly")
WEEKDAYS = DAYS  # rounds run on working days, as people meet


@dataclass(frozen=True)
class Cadence:
    kind: str  # "off" | "weekly" | "monthly"
    weekday: int = 0  # Monday = 0

    @classmethod
    def parse(cls, text: str | None) -> Cadence:
        """The stored form back; anything unknown reads as "off" rather than failing a tick."""
        kind, _, day = (text or OFF).partition(":")
        if kind not in _KINDS or day not in WEEKDAYS:
            return cls(OFF)
        return cls(kind, DAYS.index(day))

    def dump(self) -> str:
        return OFF if self.kind == OFF else f"{self.kind}:{DAYS[self.weekday]}"

    @property
    def label(self) -> str:
        if self.kind == OFF:
            return "Off: rounds only when an admin runs one"
        day = DAY_LABELS[DAYS[self.weekday]]
        return f"Every {day}" if self.kind == "weekly" else f"The first {day} of each month"

    def is_round_day(self, day: date) -> bool:
        if self.kind == OFF or day.weekday() != self.weekday:
            return False
        return self.kind == "weekly" or day.day <= 7

    def next_round(self, after: datetime) -> datetime | None:
        """The first round start strictly after `after`, or None when rounds are manual."""
        if self.kind == OFF:
            return None
        day = after.astimezone(UTC).date()
        for _ in range(40):  # a month holds every weekday within 35 days
            start = datetime.combine(day, time(ROUND_HOUR_UTC), tzinfo=UTC)
            if self.is_round_day(day) and start > after:
                return start
            day += timedelta(days=1)
        raise AssertionError("unreachable: a round day always falls within 40 days")


def options() -> list[tuple[str, str]]:
    """(value, label) of every cadence an admin can pick, "off" first."""
    out = [(OFF, Cadence(OFF).label)]
    for kind in _KINDS:
        out += [(c.dump(), c.label) for c in (Cadence(kind, i) for i in range(len(WEEKDAYS)))]
    return out
