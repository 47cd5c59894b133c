"""Matching invariants: hard rules, capacities and reasons hold on any round; no double pairs."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from bot.domain.matching import Candidate, MatchRules, match
from bot.domain.program import Role
from tests.domain.matching_oracles import check_result
from tests.domain.matching_people import DEFAULT, FAST, leader, mentor
from tests.domain.matching_strategies import TOPIC_NAMES, groups, rules

# -- every invariant on random small rounds ------------------------------------------------------


@FAST
@given(group=groups(max_size=12), rules=rules())
def test_every_pair_obeys_every_rule_and_everyone_is_accounted_for(
    group: list[Candidate], rules: MatchRules
) -> None:
    check_result(group, rules, match(group, rules, TOPIC_NAMES))


# -- known bugs ----------------------------------------------------------------------------------


def test_unmatched_fallback_never_pairs_anyone_twice() -> None:
    """Regression: explain_unmatched pairs a left-alone person with a free compatible partner,
    and then paired that partner again (past its capacity) when their own turn came."""
    from bot.domain.matching.explain import Board, explain_unmatched
    from bot.domain.matching.score import ScoreModel

    mentors = [mentor("a1"), mentor("a2")]
    leaders = [leader("b", capacity=1)]
    board = Board(
        ScoreModel(mentors, leaders, DEFAULT),
        mentors,
        leaders,
        np.zeros(2, dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        set(),
        {},
    )
    alone = [("a1", Role.SHARE, 0), ("a2", Role.SHARE, 1), ("b", Role.LEARN, 0)]
    unmatched = explain_unmatched(board, alone)
    assert board.pairs == {(0, 0)}
    assert board.leader_load.tolist() == [1]
    assert [u.participant_id for u in unmatched] == ["a2"]
