"""The summary's figures against the database: each counted by SQL agrees with the same figure
worked out row by row in Python, the number of statements does not grow with the program, and
the privacy rules hold on a 4-person and a 40-person program."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.summary_data import build, now_utc
from bot.domain.privacy import TOO_FEW
from bot.domain.summary import Summary, period
from bot.features.summaries import messages, service
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.session_tables import MentoringSession, SessionFeedback
from tests.features.message_checks import all_text

OPTS = service.Options(k=5, cycle_weeks=12)


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)


async def summary_of(engine: AsyncEngine, team: str, name: str = "30d") -> Summary:
    clock = FakeClock(now_utc())
    return await service.compute(make_sessionmaker(engine), clock, team, name, OPTS)


async def test_a_forty_person_programs_figures_agree_with_its_rows(engine: AsyncEngine) -> None:
    await build(engine, team_id="T0FORTY", people=40, sessions=400, now=now_utc())
    s = await summary_of(engine, "T0FORTY", "90d")
    window = period("90d", now_utc(), 12)
    assert window.start is not None
    async with make_sessionmaker(engine)() as session:
        held = (
            await session.scalars(
                select(MentoringSession).where(
                    MentoringSession.team_id == "T0FORTY",
                    MentoringSession.status == "held",
                    MentoringSession.starts_at >= window.start,
                    MentoringSession.starts_at < window.end,
                )
            )
        ).all()
        polls = (
            await session.scalars(
                select(SessionFeedback).where(SessionFeedback.team_id == "T0FORTY")
            )
        ).all()
    assert s.held.shown.value == len(held)
    recent = [p for p in polls if window.start <= p.asked_at < window.end]
    answered = [p for p in recent if p.answered_at is not None]
    assert s.response_rate.shown.value == pytest.approx(len(answered) / len(recent))
    leaders = [p.value for p in recent if p.side == "leader" and p.value is not None]
    assert s.value_to_leaders.shown.value == round(sum(leaders) / len(leaders), 1)
    mentors = [p for p in polls if p.side == "mentor" and p.confidence is not None]
    firsts, latests = [], []
    for who in {p.user_id for p in mentors if window.start <= p.answered_at < window.end}:
        theirs = sorted((p for p in mentors if p.user_id == who), key=lambda p: p.answered_at)
        theirs = [p for p in theirs if p.answered_at < window.end]
        firsts.append(theirs[0].confidence)
        latests.append(theirs[-1].confidence)
    assert s.confidence_first.value == round(sum(firsts) / len(firsts), 1)
    assert s.confidence_latest.shown.value == round(sum(latests) / len(latests), 1)
    met = {x.pairing_id for x in held}
    assert s.share_met.shown.value == pytest.approx(len(met) / s.live_pairs.shown.value)
    assert sum(w.held for w in s.weeks if w.start >= (now_utc() - timedelta(days=7)).date()) <= (
        len(held)
    )


async def test_a_forty_person_program_shows_its_ratings(engine: AsyncEngine) -> None:
    await build(engine, team_id="T0FORTY", people=40, sessions=400, now=now_utc())
    body = messages.summary_message(await summary_of(engine, "T0FORTY", "90d"))
    shown = all_text(body)
    value_line = next(line for line in shown.split("*") if line.startswith("\n") and "." in line)
    assert TOO_FEW not in value_line
    assert "Value to leaders (junior → leader)*\n" in shown
    leaders = shown.split("Value to leaders (junior → leader)*\n")[1].split("\n")[0]
    assert leaders[0].isdigit()


async def test_a_four_person_program_shows_no_rating_at_all(engine: AsyncEngine) -> None:
    await build(engine, team_id="T0FOUR", people=4, sessions=40, now=now_utc(), answer_rate=1.0)
    for name in ("30d", "90d", "all"):
        shown = all_text(messages.summary_message(await summary_of(engine, "T0FOUR", name)))
        for label in (
            "Value to leaders (junior → leader)",
            "Value to reverse mentors (leader → junior)",
            "Poll response rate",
            "Reverse mentors' confidence",
        ):
            assert shown.split(f"{label}*\n")[1].startswith(TOO_FEW), (name, label)


async def test_the_number_of_statements_does_not_grow_with_the_program(engine: AsyncEngine) -> None:
    await build(engine, team_id="T0SMALL", people=10, sessions=30, now=now_utc())
    await build(engine, team_id="T0LARGE", people=400, sessions=4000, now=now_utc(), seed=3)
    await summary_of(engine, "T0SMALL")  # the workspace's settings row exists from here on
    await summary_of(engine, "T0LARGE")
    with counted(engine) as small:
        await summary_of(engine, "T0SMALL")
    with counted(engine) as large:
        await summary_of(engine, "T0LARGE")
    with counted(engine) as everything:
        await summary_of(engine, "T0LARGE", "all")  # no period before it to compare with
    assert len(small) == len(large) <= 16
    assert len(everything) == len(large)


async def test_workspaces_are_counted_apart(engine: AsyncEngine) -> None:
    await build(engine, team_id="T0ONE", people=40, sessions=300, now=now_utc())
    alone = await summary_of(engine, "T0ONE")
    await build(engine, team_id="T0TWO", people=60, sessions=500, now=now_utc(), seed=9)
    again = await summary_of(engine, "T0ONE")
    assert again.participants.text() == alone.participants.text() == "40"
    assert again.held.text() == alone.held.text()
    assert again.sent.text() == alone.sent.text()
