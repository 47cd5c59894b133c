"""A pair's sessions: what a booking must satisfy, how it reads in each person's own time zone,
and when its reminders are due. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.lifecycle import SessionStatus
from bot.domain.profile import DAYS, TIME_WINDOWS

LENGTHS = (30, 45, 60)
DEFAULT_LENGTH = 45
MIN_LEAD = timedelta(minutes=15)
MAX_AHEAD = timedelta(days=90)
AGENDA_MAX = 1000
PLACE_MAX = 300
REASON_MAX = 500
SOMETHING_ELSE = "Something else"
DAY_STARTS, DAY_ENDS = 8 * 60, 20 * 60  # outside 08:00-20:00 local is allowed, but said
DEFAULT_REMINDERS = "24h,1h"

_LINKISH = re.compile(r"^[a-z][a-z0-9+.-]*://|^www\.", re.IGNORECASE)
_WEB_LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_OFFSET = re.compile(r"^(\d{1,4})\s*([mhd])$")


@dataclass(frozen=True)
class Busy:
    """A booked session of someone's, as far as an overlap is concerned."""

    starts_at: datetime
    minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Attendee:
    """One of the two, as the unusual-hours check needs them."""

    name: str  # "you" for the booker
    timezone: str
    days: tuple[str, ...] = ()  # preferred days (mon..fri); empty: any
    times: tuple[str, ...] = ()  # preferred times (morning, midday, afternoon); empty: any


def zone(name: str) -> ZoneInfo:
    """The IANA zone Slack gave; UTC when it is unknown here."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a folder ("America"), a long name
        return ZoneInfo("UTC")


def local(at: datetime, timezone: str) -> datetime:
    return at.astimezone(zone(timezone))


def clock_time(at: datetime, timezone: str) -> str:
    """ "Tue 8 Dec, 21:00": a time as someone reads it in their own zone (plain text)."""
    there = local(at, timezone)
    return f"{there:%a} {there.day} {there:%b}, {there:%H:%M}"


def check_start(
    start: datetime | None,
    minutes: int,
    now: datetime,
    *,
    mine: Sequence[Busy] = (),
    partners: Sequence[Busy] = (),
    partner_name: str = "your partner",
) -> str | None:
    """Why this start can't be booked (an inline error on the picker), or None."""
    if start is None:
        return "Pick a date and a time."
    if start < now + MIN_LEAD:
        return "Pick a time at least 15 minutes from now."
    if start > now + MAX_AHEAD:
        return "Pick a time within the next 90 days."
    proposed = Busy(start, minutes)
    if any(_overlap(proposed, b) for b in mine):
        return "You already have a session booked at that time. Pick another time."
    if any(_overlap(proposed, b) for b in partners):
        return f"{partner_name} already has a session at that time. Pick another time."
    return None


def _overlap(a: Busy, b: Busy) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def check_place(place: str) -> str | None:
    """A video link must be a web link; anything else is a place and fine."""
    text = place.strip()
    if len(text) > PLACE_MAX:
        return f"Keep it under {PLACE_MAX} characters."
    if _LINKISH.match(text) and not _WEB_LINK.match(text):
        return "A link must start with http:// or https://."
    return None


def is_link(place: str) -> bool:
    return bool(_WEB_LINK.match(place.strip()))


def unusual_hours(start: datetime, minutes: int, people: Sequence[Attendee]) -> list[str]:
    """What the confirmation should say about the time, one phrase per person it is odd for:
    "that is 21:00 for Grace" outside 08:00-20:00, or a note outside their preferred times."""
    notes = []
    for person in people:
        begin = local(start, person.timezone)
        end = local(start + timedelta(minutes=minutes), person.timezone)
        first = begin.hour * 60 + begin.minute
        last = first + minutes
        if first < DAY_STARTS or last > DAY_ENDS or begin.date() != end.date():
            notes.append(f"that is {begin:%H:%M} for {person.name}")
        elif not _preferred(begin, first, last, person):
            whose = "you" if person.name == "you" else "they"
            notes.append(
                f"that is {begin:%A} {begin:%H:%M} for {person.name}, "
                f"outside the days and times {whose} prefer"
            )
    return notes


def _preferred(begin: datetime, first: int, last: int, person: Attendee) -> bool:
    weekday = DAYS[begin.weekday()] if begin.weekday() < len(DAYS) else "weekend"
    if weekday not in (person.days or DAYS):
        return False
    if not person.times:
        return True  # no preference: any time of the working day
    merged: list[list[int]] = []
    for start, end in sorted(TIME_WINDOWS[t] for t in person.times if t in TIME_WINDOWS):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)  # adjacent windows join up
        else:
            merged.append([start, end])
    return any(start <= first and last <= end for start, end in merged)


def parse_reminders(text: str) -> tuple[timedelta, ...]:
    """`"24h,1h"` as offsets before a session, longest first; `""` or `"off"`: none.
    Raises ValueError with a message that says how to write it."""
    if text.strip().lower() in ("", "off", "none"):
        return ()
    found: set[timedelta] = set()
    for part in text.split(","):
        matched = _OFFSET.match(part.strip().lower())
        if matched is None:
            raise ValueError(f"{part.strip()!r} is not like 24h, 90m or 2d")
        amount, unit = int(matched[1]), matched[2]
        offset = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(days=amount)
        )
        if not timedelta(minutes=5) <= offset <= timedelta(days=14):
            raise ValueError(f"{part.strip()} is not between 5 minutes and 14 days")
        found.add(offset)
    return tuple(sorted(found, reverse=True))


def offset_label(offset: timedelta) -> str:
    """`24h`, `1h`, `90m`: the part of a reminder's dedup key that says which one it is."""
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def due_reminders(
    start: datetime, offsets: Sequence[timedelta], now: datetime
) -> list[tuple[timedelta, datetime]]:
    """Each reminder still ahead, with when it is due: one whose time has passed is not sent
    (a session booked 30 minutes ahead gets no "in one hour")."""
    return [(o, start - o) for o in offsets if start - o > now]


def reminder_plan(
    start: datetime, offsets: Sequence[timedelta], now: datetime
) -> list[tuple[timedelta, datetime, datetime]]:
    """(offset, due, too late after) for each reminder still ahead. A reminder is too late once
    the next one is due (the last, once the session starts): a bot back from a day down sends
    the one still useful, once, rather than two in a row."""
    ordered = sorted(set(offsets), reverse=True)
    plan = []
    for i, offset in enumerate(ordered):
        expires = start - ordered[i + 1] if i + 1 < len(ordered) else start
        if start - offset > now:
            plan.append((offset, start - offset, expires))
    return plan


def first_session_agenda(mentor: str, leader: str) -> str:
    """The introduction's first-session agenda, as plain text for the booking modal."""
    return (
        "1. Introductions, and what each of you hopes to get out of this\n"
        f"2. What {mentor} will show\n"
        f"3. What {leader} wants to understand\n"
        f"4. One career question from {mentor}\n"
        "5. Agree a rhythm: how often, how long, where"
    )


def utc(at: datetime) -> datetime:
    """An instant from the database (naive on SQLite) as aware UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


@dataclass(frozen=True)
class Member:
    """One of a pair, as a session shows them."""

    user_id: str
    name: str
    timezone: str
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()

    def attendee(self, *, as_you: bool = False) -> Attendee:
        return Attendee("you" if as_you else self.name, self.timezone, self.days, self.times)


@dataclass(frozen=True)
class SessionInfo:
    """A session with its pair, as every builder needs it."""

    id: int
    pairing_id: int
    starts_at: datetime
    minutes: int
    topic: str  # "": something else
    agenda: str
    place: str
    status: SessionStatus
    sequence: int
    calendar_uid: str
    booked_by: str
    mentor: Member
    leader: Member
    cancelled_by: str | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def topic_label(self) -> str:
        return self.topic or SOMETHING_ELSE

    def partner_of(self, user_id: str) -> Member:
        return self.leader if self.mentor.user_id == user_id else self.mentor

    def member(self, user_id: str) -> Member:
        return self.mentor if self.mentor.user_id == user_id else self.leader

    @property
    def title(self) -> str:
        return f"Flipside session: {self.mentor.name} & {self.leader.name}"
