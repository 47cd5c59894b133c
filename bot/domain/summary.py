"""An admin summary: the periods it compares, the aggregates the database gives for them, and
what an admin may read of those (privacy.py's rules applied once, here). Pure: no I/O.

Counts of things every admin already sees by name (who takes part, who is paired, sessions,
messages) are shown as they are; anything about what people answered (ratings, confidence, the
response rate) and the share of pairs that met is a figure about the people behind it, hidden
under K. Breakdowns of people (by role, level, topic) use complementary suppression."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import UserFacingError
from bot.domain.privacy import Shown, breakdown, figure, trend

PERIODS = ("30d", "90d", "cycle", "all")
DIGEST_PERIOD = "7d"  # the weekly digest's own window: this week against the week before
CHART_WEEKS = 12
DIGEST_TIME = time(9, 0)
WEEK = timedelta(days=7)
UNKNOWN_PERIOD = "I can sum up `30d`, `90d`, `cycle` or `all` (the default is `30d`)."


@dataclass(frozen=True)
class Period:
    """`[start, end)`, and the one before it, as long (none for `all`)."""

    name: str
    start: datetime | None  # None: since the program began
    end: datetime

    @property
    def previous(self) -> Period | None:
        if self.start is None:
            return None
        return Period(self.name, self.start - (self.end - self.start), self.start)

    @property
    def label(self) -> str:
        if self.start is None:
            return "since the program began"
        days = (self.end - self.start).days
        return "the last 7 days" if days == 7 else f"the last {days} days"


def parse_period(text: str) -> str:
    word = (text.strip().split(" ")[0] or "30d").lower()
    if word in PERIODS or word == DIGEST_PERIOD:
        return word
    raise UserFacingError(UNKNOWN_PERIOD)


def period(name: str, now: datetime, cycle_weeks: int) -> Period:
    """`cycle` is the program's cycle length (CYCLE_WEEKS) back from now."""
    if name == "all":
        return Period(name, None, now)
    lengths = {"7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}
    length = lengths.get(name, timedelta(weeks=cycle_weeks))
    return Period(name, now - length, now)


@dataclass(frozen=True)
class Digest:
    """The weekly digest: Monday 09:00 in the program's zone, or later by at most `late`."""

    enabled: bool = True
    zone: str = "UTC"
    late: timedelta = timedelta(hours=48)

    def due(self, now: datetime) -> tuple[str, datetime] | None:
        """The ISO week whose digest is due now and when it became due; None outside the
        window (before Monday 09:00, or more than `late` after it: too old to be news)."""
        if not self.enabled:
            return None
        local = now.astimezone(ZoneInfo(self.zone))
        monday = week_start(local.date())
        at = datetime.combine(monday, DIGEST_TIME, ZoneInfo(self.zone)).astimezone(UTC)
        if not at <= now < at + self.late:
            return None
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}", at


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Rating:
    """Answers on a 1-5 scale: their sum and count, and the distinct people who gave them."""

    total: int = 0
    answers: int = 0
    people: int = 0

    @property
    def average(self) -> float:
        return self.total / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class Polls:
    asked: int = 0
    answered: int = 0
    people: int = 0  # distinct people asked
    to_leaders: Rating = Rating()  # leaders' value ratings: what juniors gave them
    to_mentors: Rating = Rating()  # reverse mentors' value ratings: what leaders gave back


@dataclass(frozen=True)
class Confidence:
    """Reverse mentors who answered in the period: their first answer ever and their latest."""

    people: int = 0
    first: float = 0.0
    latest: float = 0.0


@dataclass(frozen=True)
class Window:
    """What happened within one period."""

    joined: int = 0
    live_pairs: int = 0  # pairs active or on a break at some point in the period
    met_pairs: int = 0  # of those, pairs with a session held in the period
    pair_people: int = 0  # distinct people in the live pairs
    held: int = 0
    ended_early: int = 0
    polls: Polls = Polls()
    confidence: Confidence = Confidence()
    sent: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Week:
    start: date
    held: int = 0
    live_pairs: int = 0
    met_pairs: int = 0
    pair_people: int = 0
    joined: int = 0
    polls: Polls = Polls()


@dataclass(frozen=True)
class Aggregates:
    """Everything the summary needs, as the database counted it."""

    period: Period
    now: Window
    before: Window | None
    by_role: dict[str, int]
    by_level: dict[str, int]
    participants: int
    paused_people: int
    active_pairs: int
    paused_pairs: int
    upcoming: int
    supply: dict[str, int]  # topic -> people who can share it
    demand: dict[str, int]  # topic -> people who want to learn it
    at_risk: tuple[tuple[str, str, int], ...]  # (mentor, leader, days without a session)
    waiting_messages: int
    weeks: tuple[Week, ...] = ()


FORMATS = {"count": "{:.0f}", "rating": "{:.1f}", "percent": "{:.0%}"}


@dataclass(frozen=True)
class Figure:
    """One line of the summary: what it shows, and its change against the previous period."""

    shown: Shown
    change: float | None = None
    kind: str = "count"  # count | rating | percent

    def text(self) -> str:
        out = self.shown.text(FORMATS[self.kind])
        if self.change is not None:
            out += f" ({_signed(self.change, self.kind)})"
        return out


def _signed(change: float, kind: str) -> str:
    if kind == "percent":
        points = round(change * 100)
        return f"{points:+d} {'pt' if abs(points) == 1 else 'pts'}" if points else "no change"
    if abs(change) < 0.05:
        return "no change"
    return f"{change:+.1f}" if kind == "rating" else f"{change:+.0f}"


@dataclass(frozen=True)
class Summary:
    period: Period
    k: int
    participants: Figure
    joined: Figure
    by_role: dict[str, int | None]
    by_level: dict[str, int | None]
    paused_people: int
    active_pairs: int
    paused_pairs: int
    live_pairs: Figure
    ended_early: Figure
    held: Figure
    upcoming: int
    share_met: Figure
    response_rate: Figure
    value_to_leaders: Figure
    value_to_mentors: Figure
    confidence_first: Shown
    confidence_latest: Figure
    supply: dict[str, int | None]
    demand: dict[str, int | None]
    gap: tuple[tuple[str, int, int | None], ...]  # (topic, learners, sharers or hidden)
    at_risk: tuple[tuple[str, str, int], ...]
    sent: Figure
    waiting_messages: int
    failed: Figure
    weeks: tuple[Week, ...] = field(default_factory=tuple)

    @property
    def any_hidden(self) -> bool:
        figures = (self.share_met, self.response_rate, self.value_to_leaders)
        cells = (*self.by_role.values(), *self.by_level.values())
        return any(f.shown.hidden for f in figures) or None in cells


def _count(now: int, before: int | None) -> Figure:
    return Figure(Shown(now, now), None if before is None else now - before)


def _private(now: Shown, before: Shown | None, kind: str = "rating") -> Figure:
    return Figure(now, None if before is None else trend(now, before), kind)


def share_met(met: int, live: int, people: int, k: int) -> Shown:
    """The share of pairs that met: a figure about the people in those pairs."""
    return figure(met / live if live else 0.0, people, k)


def rating(r: Rating, k: int) -> Shown:
    return figure(round(r.average, 1), r.people, k)


def response_rate(p: Polls, k: int) -> Shown:
    return figure(p.answered / p.asked if p.asked else 0.0, p.people, k)


def summarise(a: Aggregates, k: int) -> Summary:
    """The aggregates as an admin may read them, under a minimum group size of K people."""
    now, before = a.now, a.before

    share_now = share_met(now.met_pairs, now.live_pairs, now.pair_people, k)
    share_before = (
        share_met(before.met_pairs, before.live_pairs, before.pair_people, k) if before else None
    )
    confidence = now.confidence
    demand = breakdown(a.demand, k)
    supply = breakdown(a.supply, k)
    gap = tuple(
        (topic, wanted, supply.get(topic))
        for topic, wanted in sorted(demand.items(), key=lambda kv: -(kv[1] or 0))
        if wanted is not None and wanted > a.supply.get(topic, 0)
    )
    return Summary(
        period=a.period,
        k=k,
        participants=Figure(Shown(a.participants, a.participants)),
        joined=_count(now.joined, before.joined if before else None),
        by_role=breakdown(a.by_role, k),
        by_level=breakdown(a.by_level, k),
        paused_people=a.paused_people,
        active_pairs=a.active_pairs,
        paused_pairs=a.paused_pairs,
        live_pairs=_count(now.live_pairs, before.live_pairs if before else None),
        ended_early=_count(now.ended_early, before.ended_early if before else None),
        held=_count(now.held, before.held if before else None),
        upcoming=a.upcoming,
        share_met=_private(share_now, share_before, "percent"),
        response_rate=_private(
            response_rate(now.polls, k),
            response_rate(before.polls, k) if before else None,
            "percent",
        ),
        value_to_leaders=_private(
            rating(now.polls.to_leaders, k),
            rating(before.polls.to_leaders, k) if before else None,
        ),
        value_to_mentors=_private(
            rating(now.polls.to_mentors, k),
            rating(before.polls.to_mentors, k) if before else None,
        ),
        confidence_first=figure(round(confidence.first, 1), confidence.people, k),
        confidence_latest=_private(
            figure(round(confidence.latest, 1), confidence.people, k),
            figure(round(before.confidence.latest, 1), before.confidence.people, k)
            if before
            else None,
        ),
        supply=supply,
        demand=demand,
        gap=gap,
        at_risk=a.at_risk,
        sent=_count(now.sent, before.sent if before else None),
        waiting_messages=a.waiting_messages,
        failed=_count(now.failed, before.failed if before else None),
        weeks=a.weeks,
    )
