"""The life cycles of rounds, pairings and participants (`bot.domain.lifecycle`): `sources`,
`allowed` and `is_final` agree with the table of moves, final states go nowhere, and every
state of each enum takes part."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.lifecycle import (
    LIVE_PAIRING,
    PAIRING,
    PARTICIPANT,
    ROUND,
    Lifecycle,
    PairingStatus,
    ParticipantStatus,
    RoundStatus,
)

LIFECYCLES: list[tuple[Lifecycle[Any], type[StrEnum]]] = [
    (ROUND, RoundStatus),
    (PAIRING, PairingStatus),
    (PARTICIPANT, ParticipantStatus),
]
NAMES = ["round", "pairing", "participant"]
FINAL = [
    (ROUND, RoundStatus.APPROVED),
    (ROUND, RoundStatus.DISCARDED),
    (ROUND, RoundStatus.SUPERSEDED),
    (ROUND, RoundStatus.FAILED),
    (PAIRING, PairingStatus.ENDED),
]


@pytest.mark.parametrize(("life", "states"), LIFECYCLES, ids=NAMES)
def test_sources_are_exactly_the_states_with_a_move_there(
    life: Lifecycle[Any], states: type[StrEnum]
) -> None:
    for to in states:
        expected = {s for s in states if to in life.moves.get(s, frozenset())}
        assert life.sources(to) == expected, to


@pytest.mark.parametrize(("life", "states"), LIFECYCLES, ids=NAMES)
def test_allowed_agrees_with_the_moves(life: Lifecycle[Any], states: type[StrEnum]) -> None:
    for current in states:
        for to in states:
            assert life.allowed(current, to) == (to in life.moves.get(current, frozenset()))
            assert life.allowed(current, to) == (current in life.sources(to))


@pytest.mark.parametrize(("life", "final"), FINAL, ids=[f"{s}" for _, s in FINAL])
def test_final_states_have_no_moves(life: Lifecycle[Any], final: StrEnum) -> None:
    assert life.is_final(final)
    assert not life.moves.get(final)
    assert all(not life.allowed(final, to) for to in type(final))


@pytest.mark.parametrize(("life", "states"), LIFECYCLES, ids=NAMES)
def test_only_the_listed_states_are_final(life: Lifecycle[Any], states: type[StrEnum]) -> None:
    finals = {s for lc, s in FINAL if lc is life}
    assert {s for s in states if life.is_final(s)} == finals


@pytest.mark.parametrize(("life", "states"), LIFECYCLES, ids=NAMES)
def test_every_state_is_a_key_or_a_target(life: Lifecycle[Any], states: type[StrEnum]) -> None:
    seen = set(life.moves) | {t for targets in life.moves.values() for t in targets}
    assert seen == set(states)
    assert all(isinstance(s, states) for s in seen)  # no stray values of another enum


def test_the_round_moves() -> None:
    r = RoundStatus
    assert ROUND.sources(r.COMPUTING) == {r.QUEUED, r.COMPUTING}  # a lapsed claim is taken over
    assert ROUND.sources(r.PROPOSED) == {r.COMPUTING}
    assert ROUND.sources(r.FAILED) == {r.COMPUTING}
    for decided in (r.APPROVED, r.DISCARDED, r.SUPERSEDED):
        assert ROUND.sources(decided) == {r.PROPOSED}
    assert ROUND.sources(r.QUEUED) == frozenset()  # a round is only ever created queued


def test_the_pairing_and_participant_moves() -> None:
    p, q = PairingStatus, ParticipantStatus
    assert PAIRING.sources(p.ENDED) == LIVE_PAIRING == {p.ACTIVE, p.PAUSED}
    assert PAIRING.sources(p.PAUSED) == {p.ACTIVE}
    assert PAIRING.sources(p.ACTIVE) == {p.PAUSED}
    assert PARTICIPANT.sources(q.PAUSED) == {q.ACTIVE, q.PAUSED}  # a new date for a break
    assert PARTICIPANT.sources(q.ACTIVE) == {q.PAUSED}


@given(st.data())
def test_a_walk_only_takes_allowed_moves_and_stops_at_a_final_state(data: st.DataObject) -> None:
    life, states = data.draw(st.sampled_from(LIFECYCLES))
    current = data.draw(st.sampled_from(sorted(life.moves)))
    for _ in range(10):
        if life.is_final(current):
            assert life.sources(current) and not life.moves.get(current)
            return
        to = data.draw(st.sampled_from(sorted(states)))
        assert life.allowed(current, to) == (current in life.sources(to))
        if life.allowed(current, to):
            current = to
