"""The summary's aggregates put together: the database's counts (records.py) for the period,
the one before and each week, with the pairs live in each counted here (one row per pair)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lifecycle import EndCause, PairingStatus
from bot.domain.settings import ProgramConfig
from bot.domain.summary import Aggregates, Period, Polls, Week, Window
from bot.features.summaries import records

EARLY = (EndCause.PARTICIPANT, EndCause.LEFT)


class Pairs:
    """The pairs that were live at some point since `since`: few enough to count in Python
    (one row per pair), and the only way to count distinct people in pairs on both databases."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self.rows = rows

    def live(self, w: Period) -> list[Any]:
        return [
            r
            for r in self.rows
            if r.created_at < w.end
            and (r.ended_at is None or w.start is None or r.ended_at >= w.start)
        ]

    def people(self, rows: Sequence[Any]) -> int:
        return len({r.mentor_user_id for r in rows} | {r.leader_user_id for r in rows})

    def ended_early(self, w: Period) -> int:
        return sum(
            1
            for r in self.rows
            if r.end_cause in EARLY
            and r.ended_at is not None
            and r.ended_at < w.end
            and (w.start is None or r.ended_at >= w.start)
        )


async def aggregates(
    session: AsyncSession,
    team_id: str,
    program: ProgramConfig,
    period: Period,
    weeks_from: date,
    at_risk: tuple[tuple[str, str, int], ...],
    *,
    weekly_polls: bool = False,
) -> Aggregates:
    """Every figure for `period` and the one before it, and week by week from `weeks_from`."""
    now = period.end
    windows = [period] + ([period.previous] if period.previous else [])
    weeks = records.Weeks(weeks_from, now, session.get_bind().dialect.name)
    by_role, by_level, total, paused, joined = await records.participants(
        session, team_id, windows, program.levels
    )
    supply, demand = await records.topics(session, team_id, program)
    earliest = min((w.start for w in windows if w.start), default=None)
    pairs = Pairs(
        await records.pairs(
            session, team_id, None if earliest is None else min(earliest, weeks.since)
        )
    )
    held, upcoming = await records.sessions(session, team_id, windows, now)
    polls = await records.feedback(session, team_id, windows)
    delivery, waiting = await records.delivery(session, team_id, windows)
    confidence = await records.confidence(session, team_id, windows)

    def window(i: int) -> Window:
        live = pairs.live(windows[i])
        return Window(
            joined=joined[i],
            live_pairs=len(live),
            met_pairs=held[i][1],
            pair_people=pairs.people(live),
            held=held[i][0],
            ended_early=pairs.ended_early(windows[i]),
            polls=polls[i],
            confidence=confidence[i],
            sent=delivery[i][0],
            failed=delivery[i][1],
        )

    weekly_joined = await records.joined_by_week(session, team_id, weeks)
    weekly_held = await records.sessions_by_week(session, team_id, weeks, now)
    # Week by week polls are for the CSV only: the chart does without them.
    by_week = await records.feedback_by_week(session, team_id, weeks) if weekly_polls else {}
    week_rows = []
    for i in range(weeks.count):
        live = pairs.live(weeks.window(i))
        held_n, met = weekly_held.get(i, (0, 0))
        week_rows.append(
            Week(
                start=weeks.start(i),
                held=held_n,
                live_pairs=len(live),
                met_pairs=met,
                pair_people=pairs.people(live),
                joined=weekly_joined.get(i, 0),
                polls=by_week.get(i, Polls()),
            )
        )
    statuses = [r.status for r in pairs.rows]
    return Aggregates(
        period=period,
        now=window(0),
        before=window(1) if len(windows) > 1 else None,
        by_role=by_role,
        by_level=by_level,
        participants=total,
        paused_people=paused,
        active_pairs=statuses.count(PairingStatus.ACTIVE),
        paused_pairs=statuses.count(PairingStatus.PAUSED),
        upcoming=upcoming,
        supply=supply,
        demand=demand,
        at_risk=at_risk,
        waiting_messages=waiting,
        weeks=tuple(week_rows),
    )
