"""Matching roles: which side a "both" participant takes in a round, and only one."""

from __future__ import annotations

import pytest

from bot.domain.matching import match
from bot.domain.program import Role
from tests.domain.matching_oracles import check_result, expected_roles
from tests.domain.matching_people import BOTH, DEFAULT, LEARN, SHARE, R, leader, mentor, person
from tests.domain.matching_strategies import TOPIC_NAMES

# -- roles of "both" participants ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seniors", "juniors", "role"),
    [(2, 1, SHARE), (2, 2, SHARE), (1, 2, LEARN), (0, 0, SHARE), (0, 1, LEARN), (3, 0, SHARE)],
)
def test_both_shares_when_at_least_as_many_could_learn_from_them(
    seniors: int, juniors: int, role: Role
) -> None:
    """Kai (level 2) can teach 1 to the seniors and learn 2 from the juniors; nobody else fits."""
    kai = person("kai", BOTH, 2, share_topics=frozenset({1}), learn_topics=frozenset({2}))
    group = [kai]
    group += [leader(f"s{i}", level=4, learn={1}) for i in range(seniors)]
    group += [mentor(f"j{i}", level=0, share={2}) for i in range(juniors)]
    group += [leader("other", level=1, learn={1})]  # junior to Kai: counts for nobody
    result = match(group, DEFAULT, TOPIC_NAMES)
    assert dict(result.roles) == {"kai": role} == expected_roles(group, DEFAULT)


def test_roles_ignore_history_and_blocks() -> None:
    """Two seniors could learn from Kai, one junior could teach Kai: Kai shares, even when both
    seniors blocked Kai or met Kai before (a role must not hint at a block)."""
    kai = person("kai", BOTH, 2, share_topics=frozenset({1}), learn_topics=frozenset({2}))
    s0 = leader("s0", learn={1}, blocked=frozenset({"kai"}))
    s1 = leader("s1", learn={1}, past_partners=frozenset({"kai"}))
    j0 = mentor("j0", share={2})
    result = match([kai, s0, s1, j0], DEFAULT, TOPIC_NAMES)
    assert dict(result.roles) == {"kai": SHARE}
    assert result.pairs == ()  # Kai shares, and nobody left can learn from Kai


def test_both_people_count_on_either_side_and_can_pair_with_each_other() -> None:
    ana = person("ana", BOTH, 1, share_topics=frozenset({1}), learn_topics=frozenset({2}))
    ben = person("ben", BOTH, 4, share_topics=frozenset({2}), learn_topics=frozenset({1}))
    result = match([ana, ben], DEFAULT, TOPIC_NAMES)
    assert dict(result.roles) == {"ana": SHARE, "ben": LEARN}
    assert [(p.mentor_id, p.leader_id) for p in result.pairs] == [("ana", "ben")]


def test_nobody_is_mentor_and_leader_in_one_round() -> None:
    """Mid (both, capacity 3) could teach the senior and learn from the junior; it takes one
    role only, so one of the two stays alone."""
    mid = person(
        "mid", BOTH, 2, share_topics=frozenset({1}), learn_topics=frozenset({2}), capacity=3
    )
    group = [mid, leader("senior", learn={1}), mentor("junior", share={2})]
    result = match(group, DEFAULT, TOPIC_NAMES)
    assert len(result.pairs) == 1
    assert dict(result.roles) == {"mid": SHARE}  # 1 could learn from mid, 1 could teach: a tie
    assert [u.participant_id for u in result.unmatched] == ["junior"]
    assert result.unmatched[0].reason is R.NO_TOPIC_OVERLAP  # the senior wants topic 1 only
    check_result(group, DEFAULT, result)
