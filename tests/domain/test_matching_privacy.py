"""Matching privacy: a block never shows; it reads exactly like an earlier pairing."""

from __future__ import annotations

import pytest

from bot.domain.matching import MatchResult, Unmatched, match
from tests.domain.matching_oracles import check_result
from tests.domain.matching_people import DEFAULT, R, excluding, leader, mentor, unmatched_of
from tests.domain.matching_strategies import PRIVATE_WORDS, TOPIC_NAMES

# -- privacy -----------------------------------------------------------------------------------


def exclusion_round(kind: tuple[str, str], *, alone_is_mentor: bool) -> MatchResult:
    """`x` and the two people on the other side who fit x. The first other is excluded by
    `kind[0]` recorded on their side, the second by `kind[1]` recorded on x's side."""
    me, them = (mentor, leader) if alone_is_mentor else (leader, mentor)
    x = excluding(me("x", level=2), kind[1], "o2")
    o1 = excluding(them("o1", level=4 if alone_is_mentor else 0), kind[0], "x")
    o2 = them("o2", level=4 if alone_is_mentor else 0)
    group = [x, o1, o2]
    result = match(group, DEFAULT, TOPIC_NAMES)
    check_result(group, DEFAULT, result)
    return result


@pytest.mark.parametrize("alone_is_mentor", [True, False])
def test_being_blocked_by_everyone_reads_exactly_like_having_met_everyone(
    alone_is_mentor: bool,
) -> None:
    """The whole round, reasons and texts included, is the same whether x's compatible partners
    blocked x, x blocked them, x met them before, or a mix."""
    results = {
        kind: exclusion_round(kind, alone_is_mentor=alone_is_mentor)
        for kind in [
            ("blocked", "blocked"),
            ("past_partners", "past_partners"),
            ("blocked", "past_partners"),
            ("past_partners", "blocked"),
        ]
    }
    first = results[("blocked", "blocked")]
    assert all(r == first for r in results.values())
    assert first.pairs == ()
    assert unmatched_of(first, "x").reason is R.NO_COMPATIBLE_PARTNER


def test_a_blocked_person_and_a_repeat_read_alike_in_one_round() -> None:
    group = [
        mentor("blocked_m", blocked=frozenset({"l2"})),
        mentor("repeat_m", past_partners=frozenset({"l1", "l2"})),
        leader("l1", blocked=frozenset({"blocked_m"})),
        leader("l2"),
    ]
    result = match(group, DEFAULT, TOPIC_NAMES)
    check_result(group, DEFAULT, result)
    blocked, repeat = unmatched_of(result, "blocked_m"), unmatched_of(result, "repeat_m")
    assert blocked.reason is repeat.reason is R.NO_COMPATIBLE_PARTNER
    assert blocked.text == repeat.text
    assert not any(word in blocked.text.lower() for word in PRIVATE_WORDS)


def test_blocks_are_invisible_when_some_partners_are_blocked_and_the_rest_are_full() -> None:
    """x's compatible leaders: l1 blocked x, l2 is taken by a better mentor. x reads exactly the
    same as when l1 is an earlier partner of x instead."""

    def round_with(exclusion: str) -> Unmatched:
        group = [
            mentor("x"),
            excluding(leader("l1", learn={1, 2}), exclusion, "x"),
            leader("l2", learn={1, 2}),
            mentor("w", share={1, 2}, blocked=frozenset({"l1"})),
        ]
        result = match(group, DEFAULT, TOPIC_NAMES)
        check_result(group, DEFAULT, result)
        return unmatched_of(result, "x")

    assert round_with("blocked") == round_with("past_partners")
    assert round_with("blocked").reason is R.CAPACITY_FULL_ON_OTHER_SIDE
