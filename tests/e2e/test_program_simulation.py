"""A whole 12-week cycle for 50 pairs on the injected clock, with quiet hours on: some pairs
book every two weeks, some never, one person pauses, one leaves, one says "not a good fit".
Planners and the dispatcher run as the bot runs them; people act through the use cases.
Exactly the expected messages go out, none outside working hours, none twice, none to paused
or departed people. Three planners run each step together.

It runs on PostgreSQL only (where replicas share one database): it is the suite's longest test,
and CI runs it there on every change."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.cycles import CheckIn
from bot.domain.feedback import Met, PollForm
from bot.domain.lifecycle import PairingStatus, RoundStatus, RoundTrigger
from bot.domain.quiet import WorkingHours
from bot.domain.sessions import local
from bot.features.cycles import service as cycles
from bot.features.feedback import service as feedback
from bot.features.joining import service as joining
from bot.features.kits import service as kits
from bot.features.nudges import service as nudges
from bot.features.sessions import service as sessions
from bot.features.sessions.blocks import BookingForm
from bot.platform.actor import Actor
from bot.platform.clock import FakeClock
from bot.platform.db.engine import make_sessionmaker
from bot.platform.db.models import (
    CycleAnswer,
    MatchRound,
    OutboxMessage,
    Pairing,
    Participant,
    SessionFeedback,
)
from bot.platform.local import LocalServer
from bot.sandbox import SlackStandIn
from tests.e2e.rounds_setup import AI, CAREER, TEAM, Person, enrol, send_all

ZONES = ("Europe/London", "America/New_York", "Europe/Berlin", "Asia/Kolkata")
OWN = (
    "did-you-meet",
    "did-you-meet-again",
    "nudge-leader",
    "nudge-paused",
    "briefing",
    "cycle-mid",
    "cycle-end",
    "dormant",
)
REGULAR, NEVER = range(0, 10), range(10, 20)
PAUSER, LEAVER, NOT_A_FIT = 20, 21, 22


def mentor(i: int) -> str:
    return f"U3M{i:03d}"


def leader(i: int) -> str:
    return f"U3L{i:03d}"


async def setup(standin: SlackStandIn, engine: AsyncEngine, clock: FakeClock) -> dict[int, int]:
    people = []
    for i in range(50):
        tz = ZONES[i % len(ZONES)]
        people.append(Person(mentor(i), "share", 0, "Data", share=(AI,), learn=(CAREER,), tz=tz))
        people.append(Person(leader(i), "learn", 4, "Sales", share=(CAREER,), learn=(AI,), tz=tz))
    await enrol(standin, engine, clock, people)
    now = clock.now()
    async with make_sessionmaker(engine)() as session, session.begin():
        rnd = MatchRound(
            team_id=TEAM,
            status=RoundStatus.APPROVED,
            trigger=RoundTrigger.ADMIN,
            created_at=now,
            dropped=[],
        )
        session.add(rnd)
        await session.flush()
        ids = {}
        for i in range(50):
            p = Pairing(
                team_id=TEAM,
                round_id=rnd.id,
                mentor_user_id=mentor(i),
                leader_user_id=leader(i),
                score=1.0,
                reasons=[],
                created_at=now,
                updated_at=now,
            )
            session.add(p)
            await session.flush()
            ids[i] = p.id
    return ids


async def plan_all(bot: LocalServer, clock: FakeClock, hours: WorkingHours, copies: int) -> None:
    settings = bot.runtime.settings

    async def once() -> None:
        async with make_sessionmaker(bot.runtime.engine)() as session, session.begin():
            now = clock.now()
            await feedback.plan(session, now, settings.feedback_timing, hours)
            await nudges.plan(session, now, settings.ladder, hours)
            await cycles.plan(session, now, settings.cycle, hours)
            await kits.plan_briefings(session, now, hours)

    results = await asyncio.gather(*(once() for _ in range(copies)), return_exceptions=True)
    assert any(r is None for r in results), results  # a racing copy may lose; one goes through


async def dispatch(bot: LocalServer, clock: FakeClock) -> None:
    for _ in range(60):
        result = await bot.runtime.dispatcher.tick()
        if not result.claimed:
            return


async def test_a_twelve_week_cycle_for_fifty_pairs(
    bot: LocalServer,
    standin: SlackStandIn,
    engine: AsyncEngine,
    clock: FakeClock,
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL (CI always does)")
    copies = 3
    hours = WorkingHours()
    ids = await setup(standin, engine, clock)
    sm, start = make_sessionmaker(engine), clock.now()
    actor = lambda user: Actor(TEAM, user)  # noqa: E731
    paused_from: datetime | None = None
    left_at: datetime | None = None
    for day in range(12 * 7 + 9):
        clock.set(start + timedelta(days=day, hours=15))
        if day % 14 == 1:
            for i in REGULAR:
                at = (clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
                form = BookingForm(at, 45, AI, "", "")
                booked = await sessions.book(
                    sm, clock, (), actor(leader(i)), ids[i], form, f"sim-{i}-{day}"
                )
                assert not isinstance(booked, dict), booked
        if day == 1:
            for i in range(23, 50):
                at = (clock.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
                await sessions.book(
                    sm,
                    clock,
                    (),
                    actor(leader(i)),
                    ids[i],
                    BookingForm(at, 45, AI, "", ""),
                    f"sim-once-{i}",
                )
        if day == 21:
            paused_from = clock.now()
            await joining.pause(
                sm, clock, actor(mentor(PAUSER)), (clock.now() + timedelta(days=28)).date()
            )
        if day == 14:
            left_at = clock.now()
            await joining.leave(sm, clock, actor(leader(LEAVER)))
        if day % 2 and day % 14 != 1:
            continue  # the planners look every other day, and on every day something happened
        await plan_all(bot, clock, hours, copies)
        await dispatch(bot, clock)
        await _answer_everything_for(bot, clock, ids)
    await send_all(bot, clock)

    async with sm() as session:
        sent = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent"))
        ).all()
        zones = {p.slack_user_id: p.timezone for p in await session.scalars(select(Participant))}
        pairings = {p.id: p for p in await session.scalars(select(Pairing))}
    by = Counter((m.channel, m.kind) for m in sent if m.kind in OWN)
    # None twice: one key each (the planners ran `copies` at a time).
    assert len({(m.channel, m.dedup_key) for m in sent}) == len(sent)
    # None outside working hours (due when the recipient's window is open).
    for m in sent:
        if m.kind in OWN and m.channel and m.channel.startswith("U") and m.channel in zones:
            here = local(m.due_at, zones[m.channel])
            assert hours.open_at(here), (m.kind, m.channel, here)
    # Pairs that never booked: the leader asked once, the pair nudged once, both told of the
    # pause; never a check-in (a paused pairing waits).
    for i in NEVER:
        assert by[(leader(i), "nudge-leader")] == 1 and by[(mentor(i), "nudge-leader")] == 0
        assert by[(leader(i), "nudge-paused")] == 1 and by[(mentor(i), "nudge-paused")] == 1
        assert by[(leader(i), "cycle-mid")] == 0
        assert pairings[ids[i]].status == PairingStatus.PAUSED
    # Pairs who booked every two weeks: never nudged; asked after each session; a check-in
    # halfway and a survey at the end each; with no choice, ended kindly after 7 days.
    for i in REGULAR:
        assert by[(leader(i), "nudge-leader")] == 0
        assert by[(mentor(i), "cycle-mid")] == 1 and by[(leader(i), "cycle-end")] == 1
        assert by[(mentor(i), "did-you-meet")] >= 5
        assert pairings[ids[i]].status == PairingStatus.ENDED
    # Nothing to the paused person while paused, nothing to the one who left after leaving.
    assert paused_from is not None and left_at is not None
    for m in sent:
        if m.channel == mentor(PAUSER) and m.kind in OWN:
            assert not (paused_from <= m.due_at < paused_from + timedelta(days=28)), m.kind
        if m.channel == leader(LEAVER):
            assert m.kind == "left" or m.due_at < left_at, m.kind
    async with sm() as session:
        fit = await session.scalar(
            select(CycleAnswer.check_in).where(
                CycleAnswer.pairing_id == ids[NOT_A_FIT], CycleAnswer.user_id == mentor(NOT_A_FIT)
            )
        )
    assert fit is None or fit == CheckIn.NOT_A_GOOD_FIT  # a stalled pair is never checked in


async def _answer_everything_for(bot: LocalServer, clock: FakeClock, ids: dict[int, int]) -> None:
    """The regular pairs answer every question they get; one pair says "not a good fit"."""
    sm = make_sessionmaker(bot.runtime.engine)
    timing = bot.runtime.settings.feedback_timing
    async with sm() as session:
        open_questions = (
            await session.scalars(
                select(SessionFeedback).where(
                    SessionFeedback.met.is_(None), SessionFeedback.closed_at.is_(None)
                )
            )
        ).all()
        check_ins = (
            await session.scalars(
                select(CycleAnswer).where(
                    CycleAnswer.answered_at.is_(None), CycleAnswer.kind == "mid"
                )
            )
        ).all()
    regular = {mentor(i) for i in REGULAR} | {leader(i) for i in REGULAR}
    for q in open_questions:
        if q.user_id in regular:
            who = Actor(TEAM, q.user_id)
            await feedback.answer_met(sm, clock, timing, who, q.session_id, Met.YES)
            form = PollForm(
                4, "", 4 if q.side == "mentor" else None, "yes" if q.side == "leader" else None
            )
            await feedback.answer_poll(sm, clock, timing, who, q.session_id, form)
    for c in check_ins:
        if c.user_id == mentor(NOT_A_FIT):
            await cycles.check_in(
                sm,
                clock,
                Actor(TEAM, c.user_id),
                c.pairing_id,
                c.cycle_number,
                CheckIn.NOT_A_GOOD_FIT,
            )
        elif c.user_id in regular:
            await cycles.check_in(
                sm, clock, Actor(TEAM, c.user_id), c.pairing_id, c.cycle_number, CheckIn.GOING_WELL
            )
