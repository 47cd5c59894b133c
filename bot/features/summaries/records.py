"""The summary's figures, counted by the database: a fixed number of aggregate statements
whatever the size of the program, never a query per pair or per person. Nothing here reads a
note, an answer's text or anyone's single rating: only counts, sums and distinct people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.delivery import Status
from bot.domain.feedback import Met
from bot.domain.lifecycle import ParticipantStatus, SessionStatus
from bot.domain.settings import ProgramConfig
from bot.domain.summary import (
    Confidence,
    Period,
    Polls,
    Rating,
    week_start,
)
from bot.platform.db.dialect import week_number
from bot.platform.db.models import OutboxMessage, Pairing, Participant, ParticipantTopic
from bot.platform.db.session_tables import MentoringSession, SessionFeedback

MENTOR, LEADER = "mentor", "leader"


def _within(column: Any, window: Period) -> Any:
    if window.start is None:
        return column < window.end
    return and_(column >= window.start, column < window.end)


def _count_if(condition: Any) -> Any:
    return func.count(case((condition, 1)))


def _distinct_if(condition: Any, column: Any) -> Any:
    return func.count(distinct(case((condition, column))))


def _sum_if(condition: Any, column: Any) -> Any:
    return func.coalesce(func.sum(case((condition, column))), 0)


class Weeks:
    """Monday-to-Monday weeks (UTC) from `first` to the week holding `now`."""

    def __init__(self, first: date, now: datetime, dialect: str) -> None:
        self.first = week_start(first)
        self.origin = int(datetime.combine(self.first, time(), UTC).timestamp())
        self.since = datetime.combine(self.first, time(), UTC)
        self.count = (week_start(now.date()) - self.first).days // 7 + 1
        self.dialect = dialect

    def of(self, column: Any) -> Any:
        return week_number(column, self.origin, self.dialect).label("week")

    def start(self, i: int) -> date:
        return self.first + timedelta(days=7 * i)

    def window(self, i: int) -> Period:
        start = datetime.combine(self.start(i), time(), UTC)
        return Period("week", start, start + timedelta(days=7))


async def participants(
    session: AsyncSession, team_id: str, windows: Sequence[Period], levels: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, int], int, int, list[int]]:
    rows = await session.execute(
        select(
            Participant.role,
            Participant.level,
            Participant.status,
            func.count(),
            *(_count_if(_within(Participant.joined_at, w)) for w in windows),
        )
        .where(Participant.team_id == team_id)
        .group_by(Participant.role, Participant.level, Participant.status)
    )
    by_role: dict[str, int] = {"share": 0, "learn": 0, "both": 0}
    by_level: dict[str, int] = dict.fromkeys(levels, 0)  # in the program's order
    total = paused = 0
    joined = [0] * len(windows)
    for role, level, status, n, *per_window in rows.all():
        by_role[str(role)] = by_role.get(str(role), 0) + n
        name = levels[level] if 0 <= level < len(levels) else f"Level {level + 1}"
        by_level[name] = by_level.get(name, 0) + n
        total += n
        paused += n if status == ParticipantStatus.PAUSED else 0
        joined = [a + b for a, b in zip(joined, per_window, strict=True)]
    return by_role, by_level, total, paused, joined


async def joined_by_week(session: AsyncSession, team_id: str, weeks: Weeks) -> dict[int, int]:
    week = weeks.of(Participant.joined_at)
    rows = await session.execute(
        select(week, func.count())
        .where(Participant.team_id == team_id, Participant.joined_at >= weeks.since)
        .group_by(week)
    )
    return {int(w): n for w, n in rows.all()}


async def topics(
    session: AsyncSession, team_id: str, program: ProgramConfig
) -> tuple[dict[str, int], dict[str, int]]:
    rows = await session.execute(
        select(
            ParticipantTopic.topic_id,
            ParticipantTopic.direction,
            func.count(distinct(ParticipantTopic.participant_id)),
        )
        .where(ParticipantTopic.team_id == team_id)
        .group_by(ParticipantTopic.topic_id, ParticipantTopic.direction)
    )
    names = dict(program.topics)  # active topics only: a retired one is no longer recruited for
    supply = {name: 0 for name in names.values()}
    demand = dict(supply)
    for topic_id, direction, n in rows.all():
        if topic_id in names:
            (supply if str(direction) == "share" else demand)[names[topic_id]] = n
    return supply, demand


async def pairs(session: AsyncSession, team_id: str, since: datetime | None) -> list[Any]:
    query = select(
        Pairing.status,
        Pairing.end_cause,
        Pairing.created_at,
        Pairing.ended_at,
        Pairing.mentor_user_id,
        Pairing.leader_user_id,
    ).where(Pairing.team_id == team_id)
    if since is not None:
        query = query.where(or_(Pairing.ended_at.is_(None), Pairing.ended_at >= since))
    return list((await session.execute(query)).all())


async def sessions(
    session: AsyncSession, team_id: str, windows: Sequence[Period], now: datetime
) -> tuple[list[tuple[int, int]], int]:
    held = MentoringSession.status == SessionStatus.HELD
    query = select(
        *(
            col
            for w in windows
            for col in (
                _count_if(and_(held, _within(MentoringSession.starts_at, w))),
                _distinct_if(
                    and_(held, _within(MentoringSession.starts_at, w)), MentoringSession.pairing_id
                ),
            )
        ),
        _count_if(
            and_(MentoringSession.status == SessionStatus.BOOKED, MentoringSession.starts_at >= now)
        ),
    ).where(MentoringSession.team_id == team_id)
    earliest = windows[-1].start
    if earliest is not None:
        query = query.where(MentoringSession.starts_at >= earliest)
    row = (await session.execute(query)).one()
    pairs = [(row[2 * i], row[2 * i + 1]) for i in range(len(windows))]
    return pairs, row[-1]


async def sessions_by_week(
    session: AsyncSession, team_id: str, weeks: Weeks, now: datetime
) -> dict[int, tuple[int, int]]:
    week = weeks.of(MentoringSession.starts_at)
    rows = await session.execute(
        select(week, func.count(), func.count(distinct(MentoringSession.pairing_id)))
        .where(
            MentoringSession.team_id == team_id,
            MentoringSession.status == SessionStatus.HELD,
            MentoringSession.starts_at >= weeks.since,
            MentoringSession.starts_at < now,
        )
        .group_by(week)
    )
    return {int(w): (n, pairs) for w, n, pairs in rows.all()}


POLL_COLUMNS = 9


def _poll_columns(condition: Any) -> list[Any]:
    """Asked, answered, distinct people asked; then per side (leaders, reverse mentors) the
    sum and count of value ratings and the distinct people who gave them."""
    f = SessionFeedback
    columns = [
        _count_if(condition),
        _count_if(and_(condition, f.answered_at.is_not(None))),
        _distinct_if(condition, f.user_id),
    ]
    for side in (LEADER, MENTOR):
        rated = and_(condition, f.side == side, f.value.is_not(None))
        columns += [_sum_if(rated, f.value), _count_if(rated), _distinct_if(rated, f.user_id)]
    return columns


def _polls(c: Sequence[Any]) -> Polls:
    return Polls(c[0], c[1], c[2], Rating(int(c[3]), c[4], c[5]), Rating(int(c[6]), c[7], c[8]))


# A poll counts as asked unless the person said the session did not happen.
_ASKED = or_(SessionFeedback.met.is_(None), SessionFeedback.met == Met.YES)


async def feedback(session: AsyncSession, team_id: str, windows: Sequence[Period]) -> list[Polls]:
    f = SessionFeedback
    query = select(*(c for w in windows for c in _poll_columns(_within(f.asked_at, w)))).where(
        f.team_id == team_id, _ASKED
    )
    earliest = windows[-1].start
    if earliest is not None:
        query = query.where(f.asked_at >= earliest)
    row = (await session.execute(query)).one()
    n = POLL_COLUMNS
    return [_polls(row[n * i : n * (i + 1)]) for i in range(len(windows))]


async def feedback_by_week(session: AsyncSession, team_id: str, weeks: Weeks) -> dict[int, Polls]:
    f = SessionFeedback
    week = weeks.of(f.asked_at)
    rows = await session.execute(
        select(week, *_poll_columns(f.id.is_not(None)))
        .where(f.team_id == team_id, _ASKED, f.asked_at >= weeks.since)
        .group_by(week)
    )
    return {int(w): _polls(cols) for w, *cols in rows.all()}


async def confidence(
    session: AsyncSession, team_id: str, windows: Sequence[Period]
) -> list[Confidence]:
    """For each window, the reverse mentors with a confidence answer in it: the mean of their
    first answer ever and of their latest in the window. One statement: each mentor's first and
    latest times by GROUP BY (an index holds them in order), then their answers at those times."""

    def mine(alias: Any) -> tuple[Any, ...]:
        return (alias.team_id == team_id, alias.side == MENTOR, alias.confidence.is_not(None))

    f = SessionFeedback
    per = (
        select(
            f.user_id,
            func.min(f.answered_at).label("first_at"),
            *(
                func.max(case((_within(f.answered_at, w), f.answered_at))).label(f"last_{i}")
                for i, w in enumerate(windows)
            ),
        )
        .where(*mine(f), f.answered_at < windows[0].end)
        .group_by(f.user_id)
        .cte("per")
    )

    def answer_at(alias: Any, at: Any) -> Any:
        return and_(alias.user_id == per.c.user_id, alias.answered_at == at, *mine(alias))

    first = aliased(SessionFeedback, name="first")
    lasts = [aliased(SessionFeedback, name=f"latest_{i}") for i in range(len(windows))]
    query = select(
        *(
            col
            for i, last in enumerate(lasts)
            for col in (
                func.count(per.c[f"last_{i}"]),
                func.avg(case((per.c[f"last_{i}"].is_not(None), first.confidence))),
                func.avg(last.confidence),
            )
        )
    ).select_from(per.join(first, answer_at(first, per.c.first_at)))
    for i, last in enumerate(lasts):
        query = query.outerjoin(last, answer_at(last, per.c[f"last_{i}"]))
    query = query.where(or_(*(per.c[f"last_{i}"].is_not(None) for i in range(len(windows)))))
    row = (await session.execute(query)).one()
    return [
        Confidence(int(row[3 * i] or 0), float(row[3 * i + 1] or 0), float(row[3 * i + 2] or 0))
        for i in range(len(windows))
    ]


async def delivery(
    session: AsyncSession, team_id: str, windows: Sequence[Period]
) -> tuple[list[tuple[int, int]], int]:
    o = OutboxMessage
    sent = o.status == Status.SENT
    dead = o.status == Status.DEAD
    row = (
        await session.execute(
            select(
                *(
                    col
                    for w in windows
                    for col in (
                        _count_if(and_(sent, _within(o.sent_at, w))),
                        _count_if(and_(dead, _within(o.updated_at, w))),
                    )
                ),
                _count_if(o.status.in_((Status.PENDING, Status.SENDING))),
            ).where(o.team_id == team_id)
        )
    ).one()
    return [(row[2 * i], row[2 * i + 1]) for i in range(len(windows))], row[-1]
