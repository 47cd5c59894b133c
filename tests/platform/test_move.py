"""`bot.platform.db.lifecycle.move`, the one conditional UPDATE that changes a row's state, run
against the real migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL): a race has
one winner, a move the life cycle forbids changes nothing, `when=` is honoured, and the values
given are written with the move."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.lifecycle import (
    PAIRING,
    ROUND,
    EndCause,
    PairingStatus,
    RoundStatus,
    RoundTrigger,
)
from bot.platform.db.engine import SessionMaker, make_sessionmaker
from bot.platform.db.lifecycle import move
from bot.platform.db.models import MatchRound, Pairing

TEAM = "T0FLIPSIDE"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> SessionMaker:
    return make_sessionmaker(engine)


async def a_round(
    sessionmaker: SessionMaker, status: RoundStatus = RoundStatus.PROPOSED, **values: object
) -> int:
    async with sessionmaker() as session, session.begin():
        rnd = MatchRound(
            team_id=TEAM,
            status=status,
            trigger=RoundTrigger.ADMIN,
            requested_by="U01PRIYA",
            created_at=NOW,
            **values,
        )
        session.add(rnd)
        await session.flush()
        return rnd.id


async def stored(sessionmaker: SessionMaker, round_id: int) -> MatchRound:
    async with sessionmaker() as session:
        return await session.get_one(MatchRound, round_id)


async def approve(sessionmaker: SessionMaker, round_id: int, by: str) -> bool:
    """One click on Approve: its own session and transaction."""
    async with sessionmaker() as session, session.begin():
        return await move(
            session,
            MatchRound,
            round_id,
            RoundStatus.APPROVED,
            life=ROUND,
            decided_at=NOW,
            decided_by=by,
        )


async def test_a_proposed_round_is_approved_once(sessionmaker: SessionMaker) -> None:
    round_id = await a_round(sessionmaker)
    assert await approve(sessionmaker, round_id, "U01PRIYA") is True
    assert await approve(sessionmaker, round_id, "U01DANIEL") is False
    rnd = await stored(sessionmaker, round_id)
    assert (rnd.status, rnd.decided_by) == (RoundStatus.APPROVED, "U01PRIYA")


async def test_two_concurrent_approvals_have_exactly_one_winner(
    sessionmaker: SessionMaker,
) -> None:
    round_id = await a_round(sessionmaker)
    won = await asyncio.gather(
        approve(sessionmaker, round_id, "U01PRIYA"), approve(sessionmaker, round_id, "U01DANIEL")
    )
    assert sorted(won) == [False, True]
    rnd = await stored(sessionmaker, round_id)
    winner = "U01PRIYA" if won[0] else "U01DANIEL"
    assert (rnd.status, rnd.decided_by) == (RoundStatus.APPROVED, winner)


async def test_the_loser_waits_for_the_winners_commit_and_then_loses(
    sessionmaker: SessionMaker,
) -> None:
    """The winner holds its transaction open while the other click runs: the other UPDATE waits
    (a row lock on PostgreSQL, the write lock on SQLite) and, once the winner commits, matches
    no row."""
    round_id = await a_round(sessionmaker)
    async with sessionmaker() as first, first.begin():
        assert await move(first, MatchRound, round_id, RoundStatus.APPROVED, life=ROUND)
        second = asyncio.create_task(approve(sessionmaker, round_id, "U01DANIEL"))
        await asyncio.sleep(0.3)
        assert not second.done()
    assert await asyncio.wait_for(second, 30) is False
    assert (await stored(sessionmaker, round_id)).decided_by is None


async def test_many_concurrent_decisions_have_one_winner(sessionmaker: SessionMaker) -> None:
    round_id = await a_round(sessionmaker)

    async def decide(to: RoundStatus) -> bool:
        async with sessionmaker() as session, session.begin():
            return await move(session, MatchRound, round_id, to, life=ROUND)

    decisions = [RoundStatus.APPROVED, RoundStatus.DISCARDED, RoundStatus.SUPERSEDED] * 3
    won = await asyncio.gather(*(decide(to) for to in decisions))
    assert won.count(True) == 1
    assert (await stored(sessionmaker, round_id)).status == decisions[won.index(True)]


@pytest.mark.parametrize(
    "status",
    [RoundStatus.DISCARDED, RoundStatus.SUPERSEDED, RoundStatus.FAILED, RoundStatus.QUEUED],
)
async def test_a_round_that_is_not_proposed_cannot_be_approved(
    sessionmaker: SessionMaker, status: RoundStatus
) -> None:
    round_id = await a_round(sessionmaker, status)
    assert await approve(sessionmaker, round_id, "U01PRIYA") is False
    rnd = await stored(sessionmaker, round_id)
    assert (rnd.status, rnd.decided_at, rnd.decided_by) == (status, None, None)


async def test_a_state_nothing_moves_to_is_never_reached(sessionmaker: SessionMaker) -> None:
    round_id = await a_round(sessionmaker, RoundStatus.COMPUTING)
    async with sessionmaker() as session, session.begin():
        assert ROUND.sources(RoundStatus.QUEUED) == frozenset()
        assert not await move(session, MatchRound, round_id, RoundStatus.QUEUED, life=ROUND)
    assert (await stored(sessionmaker, round_id)).status == RoundStatus.COMPUTING


async def test_a_missing_row_is_not_moved(sessionmaker: SessionMaker) -> None:
    await a_round(sessionmaker)
    assert await approve(sessionmaker, 10**9, "U01PRIYA") is False


async def test_when_is_an_extra_condition(sessionmaker: SessionMaker) -> None:
    round_id = await a_round(sessionmaker, fingerprint="abc")
    async with sessionmaker() as session, session.begin():
        stale = (MatchRound.fingerprint == "something else",)
        assert not await move(
            session, MatchRound, round_id, RoundStatus.APPROVED, life=ROUND, when=stale
        )
    assert (await stored(sessionmaker, round_id)).status == RoundStatus.PROPOSED
    async with sessionmaker() as session, session.begin():
        same = (MatchRound.fingerprint == "abc", MatchRound.team_id == TEAM)
        assert await move(
            session, MatchRound, round_id, RoundStatus.APPROVED, life=ROUND, when=same
        )
    assert (await stored(sessionmaker, round_id)).status == RoundStatus.APPROVED


async def test_a_lapsed_claim_is_taken_over_once(sessionmaker: SessionMaker) -> None:
    """COMPUTING -> COMPUTING, the way a replica takes over a claim that lapsed."""
    round_id = await a_round(
        sessionmaker,
        RoundStatus.COMPUTING,
        claimed_by="replica-a",
        claimed_until=NOW - timedelta(seconds=1),
    )

    async def take_over(owner: str) -> bool:
        async with sessionmaker() as session, session.begin():
            return await move(
                session,
                MatchRound,
                round_id,
                RoundStatus.COMPUTING,
                life=ROUND,
                when=(MatchRound.claimed_until < NOW,),
                claimed_by=owner,
                claimed_until=NOW + timedelta(minutes=5),
            )

    won = await asyncio.gather(take_over("replica-b"), take_over("replica-c"))
    assert sorted(won) == [False, True]
    rnd = await stored(sessionmaker, round_id)
    assert rnd.claimed_by == ("replica-b" if won[0] else "replica-c")
    assert rnd.claimed_until == NOW + timedelta(minutes=5)


async def test_values_are_written_with_the_move_and_loaded_objects_show_it(
    sessionmaker: SessionMaker,
) -> None:
    round_id = await a_round(sessionmaker)
    decided = NOW + timedelta(hours=1)
    async with sessionmaker() as session, session.begin():
        rnd = await session.get_one(MatchRound, round_id)
        assert rnd.status == RoundStatus.PROPOSED
        assert await move(
            session,
            MatchRound,
            round_id,
            RoundStatus.APPROVED,
            life=ROUND,
            decided_at=decided,
            decided_by="U01PRIYA",
        )
        assert (rnd.status, rnd.decided_at, rnd.decided_by) == (
            RoundStatus.APPROVED,
            decided,
            "U01PRIYA",
        )
    rnd = await stored(sessionmaker, round_id)
    assert (rnd.status, rnd.decided_at, rnd.decided_by) == (
        RoundStatus.APPROVED,
        decided,
        "U01PRIYA",
    )


async def test_a_refused_move_writes_none_of_its_values(sessionmaker: SessionMaker) -> None:
    round_id = await a_round(sessionmaker, RoundStatus.DISCARDED)
    async with sessionmaker() as session, session.begin():
        assert not await move(
            session,
            MatchRound,
            round_id,
            RoundStatus.APPROVED,
            life=ROUND,
            decided_by="U01DANIEL",
            fingerprint="x",
        )
    rnd = await stored(sessionmaker, round_id)
    assert (rnd.decided_by, rnd.fingerprint) == (None, None)


async def test_a_pairing_ends_once_from_either_live_state(sessionmaker: SessionMaker) -> None:
    round_id = await a_round(sessionmaker, RoundStatus.APPROVED)
    async with sessionmaker() as session, session.begin():
        pairs = [
            Pairing(
                team_id=TEAM,
                round_id=round_id,
                mentor_user_id=f"U0M{i}",
                leader_user_id=f"U0L{i}",
                status=status,
                score=1.0,
                created_at=NOW,
                updated_at=NOW,
            )
            for i, status in enumerate((PairingStatus.ACTIVE, PairingStatus.PAUSED))
        ]
        session.add_all(pairs)
        await session.flush()
        ids = [p.id for p in pairs]

    async def end(pairing_id: int) -> bool:
        async with sessionmaker() as session, session.begin():
            return await move(
                session,
                Pairing,
                pairing_id,
                PairingStatus.ENDED,
                life=PAIRING,
                end_cause=EndCause.PARTICIPANT,
                ended_at=NOW,
            )

    assert await asyncio.gather(*(end(i) for i in ids)) == [True, True]
    assert await asyncio.gather(*(end(i) for i in ids)) == [False, False]
    async with sessionmaker() as session:
        for pairing_id in ids:
            p = await session.get_one(Pairing, pairing_id)
            assert (p.status, p.end_cause, p.ended_at) == (
                PairingStatus.ENDED,
                EndCause.PARTICIPANT,
                NOW,
            )
