"""The matching engine: hard rules, capacities, roles, optimality, reasons, privacy, determinism.

The oracles (the rules restated, a brute-force optimum, an exact LP over every allowed pair)
live in `matching_strategies`; see its docstring for what they take from the package.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.matching import (
    Candidate,
    MatchResult,
    MatchRules,
    Unmatched,
    UnmatchedReason,
    match,
    pair_score,
)
from bot.domain.matching.model import MAX_UTC_OFFSET, MIN_UTC_OFFSET
from bot.domain.matching.score import ScoreModel
from bot.domain.matching.solve import SMALL_ROUND_CELLS
from bot.domain.program import MAX_CAPACITY, MIN_CAPACITY, Role
from tests.domain.matching_strategies import (
    PRIVATE_WORDS,
    TOPIC_NAMES,
    brute_force_best,
    check_result,
    exact_optimum,
    excluded,
    expected_roles,
    groups,
    population,
    profiles_fit,
    rules,
    sides,
)

R = UnmatchedReason
SHARE, LEARN, BOTH = Role.SHARE, Role.LEARN, Role.BOTH
DEFAULT = MatchRules()
ROOT = Path(__file__).resolve().parents[2]

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def person(pid: str, role: Role, level: int, **kw: object) -> Candidate:
    kw.setdefault("department", "Data")
    return Candidate(pid, role, level, **kw)  # type: ignore[arg-type]


def mentor(pid: str, level: int = 0, share: set[int] | None = None, **kw: object) -> Candidate:
    return person(pid, SHARE, level, share_topics=frozenset(share or {1}), **kw)


def leader(pid: str, level: int = 4, learn: set[int] | None = None, **kw: object) -> Candidate:
    return person(pid, LEARN, level, learn_topics=frozenset(learn or {1}), **kw)


def excluding(c: Candidate, field: str, other: str) -> Candidate:
    """c with `other` in its `blocked` or `past_partners`."""
    changes: dict[str, Any] = {field: frozenset({other})}
    return replace(c, **changes)


def unmatched_of(result: MatchResult, pid: str) -> Unmatched:
    return next(u for u in result.unmatched if u.participant_id == pid)


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [MIN_CAPACITY - 1, MAX_CAPACITY + 1, -1, 10])
def test_capacity_out_of_range_is_rejected(capacity: int) -> None:
    with pytest.raises(ValueError, match="capacity"):
        mentor("U1", capacity=capacity)


@pytest.mark.parametrize("capacity", range(MIN_CAPACITY, MAX_CAPACITY + 1))
def test_every_capacity_in_range_is_accepted(capacity: int) -> None:
    assert mentor("U1", capacity=capacity).capacity == capacity


def test_negative_level_and_impossible_utc_offsets_are_rejected() -> None:
    with pytest.raises(ValueError, match="level"):
        mentor("U1", level=-1)
    for offset in (MIN_UTC_OFFSET - 1, MAX_UTC_OFFSET + 1, -26 * 60, 26 * 60):
        with pytest.raises(ValueError, match="utc_offset"):
            mentor("U1", utc_offset_minutes=offset)
    for offset in (MIN_UTC_OFFSET, MAX_UTC_OFFSET):  # UTC-12 and UTC+14
        assert mentor("U1", utc_offset_minutes=offset).utc_offset_minutes == offset


@pytest.mark.parametrize(
    "field",
    [
        "weight_pair",
        "weight_teach",
        "weight_learn_back",
        "weight_cross_department",
        "weight_time_overlap",
        "weight_level_gap",
    ],
)
@pytest.mark.parametrize("value", [-0.1, -5.0, math.nan, math.inf])
def test_negative_or_non_finite_weights_are_rejected(field: str, value: float) -> None:
    with pytest.raises(ValueError, match="weights"):
        MatchRules(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight_pair": 0.0, "weight_teach": 0.0}, "must be positive"),
        ({"max_timezone_gap_hours": -1.0}, "max_timezone_gap_hours"),
        ({"max_timezone_gap_hours": math.nan}, "max_timezone_gap_hours"),
        ({"cross_department": "sometimes"}, "cross_department"),
        ({"level_gap_fit": (1.0,)}, "level_gap_fit"),
        ({"level_gap_fit": (0.0, 1.5)}, "level_gap_fit"),
        ({"level_gap_fit": (0.0, -0.1)}, "level_gap_fit"),
        ({"level_gap_fit": (0.0, math.nan)}, "level_gap_fit"),
    ],
)
def test_invalid_rules_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MatchRules(**kwargs)  # type: ignore[arg-type]


def test_zero_weights_are_allowed_when_every_pair_still_counts() -> None:
    MatchRules(weight_pair=0.0, weight_learn_back=0, weight_cross_department=0)
    MatchRules(weight_teach=0.0)


def test_duplicate_participant_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        match([mentor("U1"), leader("U2"), mentor("U1", level=1)], DEFAULT, TOPIC_NAMES)


def test_empty_and_one_sided_rounds() -> None:
    assert match([], DEFAULT, TOPIC_NAMES) == MatchResult((), (), (), 0.0)
    only_mentors = match([mentor("U1"), mentor("U2")], DEFAULT, TOPIC_NAMES)
    assert only_mentors.pairs == ()
    assert {u.reason for u in only_mentors.unmatched} == {R.NO_ONE_TO_TEACH}
    only_leaders = match([leader("U1")], DEFAULT, TOPIC_NAMES)
    assert [u.reason for u in only_leaders.unmatched] == [R.NO_ONE_TO_LEARN_FROM]


# -- scoring: the reference and the vectorised model agree --------------------------------------


@FAST
@given(group=groups(min_size=2, max_size=10), rules=rules())
def test_pair_score_allows_exactly_the_pairs_the_hard_rules_allow(
    group: list[Candidate], rules: MatchRules
) -> None:
    for m in group:
        for ld in group:
            allowed = profiles_fit(m, ld, rules) and not excluded(m, ld)
            score = pair_score(m, ld, rules)
            assert (score is not None) == allowed, (m, ld)
            if score is not None:
                assert score >= rules.weight_pair and score > 0


@FAST
@given(group=groups(min_size=2, max_size=10), rules=rules())
def test_score_model_equals_pair_score_on_every_profile_compatible_pair(
    group: list[Candidate], rules: MatchRules
) -> None:
    no_history = [replace(p, past_partners=frozenset(), blocked=frozenset()) for p in group]
    model = ScoreModel(no_history, no_history, rules)
    n = len(no_history)
    rows, cols = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    scores = model.edge_scores(rows, cols)
    for i, j, s in zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True):
        reference = pair_score(no_history[i], no_history[j], rules)
        if reference is None:
            assert s == -math.inf, (no_history[i], no_history[j], s)
        else:
            assert math.isclose(s, reference, abs_tol=1e-9), (no_history[i], no_history[j])


def test_score_model_equals_pair_score_for_offsets_far_apart() -> None:
    """Regression: offsets over ~32 h apart lost their overlap in ScoreModel. Real time zones
    are at most 26 h apart (UTC-12 to UTC+14), and Candidate now refuses anything else."""
    with pytest.raises(ValueError, match="utc_offset"):
        mentor("m", utc_offset_minutes=1500)
    rules = MatchRules(max_timezone_gap_hours=26)
    m = mentor("m", utc_offset_minutes=840, days=frozenset({"tue"}))
    ld = leader("l", level=2, utc_offset_minutes=-720, days=frozenset({"mon"}), department="Sales")
    reference = pair_score(m, ld, rules)
    assert reference is not None
    (pair,) = match([m, ld], rules, TOPIC_NAMES).pairs
    assert pair.score == pytest.approx(reference)


# -- every invariant on random small rounds ------------------------------------------------------


@FAST
@given(group=groups(max_size=12), rules=rules())
def test_every_pair_obeys_every_rule_and_everyone_is_accounted_for(
    group: list[Candidate], rules: MatchRules
) -> None:
    check_result(group, rules, match(group, rules, TOPIC_NAMES))


@FAST
@given(group=groups(max_size=8), rules=rules())
def test_the_total_is_the_brute_force_optimum(group: list[Candidate], rules: MatchRules) -> None:
    result = match(group, rules, TOPIC_NAMES)
    mentors, leaders = sides(group, dict(result.roles))
    best = brute_force_best(mentors, leaders, rules)
    assert math.isclose(result.total_score, best, rel_tol=0, abs_tol=1e-6)
    assert result.proven_optimal
    assert math.isclose(result.upper_bound, best, rel_tol=0, abs_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(group=groups(max_size=10), rules=rules(), data=st.data())
def test_the_same_people_in_any_order_give_the_same_result(
    group: list[Candidate], rules: MatchRules, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(group))
    assert match(shuffled, rules, TOPIC_NAMES) == match(group, rules, TOPIC_NAMES)


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


# -- reasons -----------------------------------------------------------------------------------


def test_pair_reasons_name_the_people_and_the_topics() -> None:
    maya = mentor(
        "U1", share={1, 2}, learn_topics=frozenset({6}), name="Maya", department="Data",
        days=frozenset({"tue"}), times=frozenset({"morning"}),
    )  # fmt: skip
    omar = leader(
        "U2", level=3, learn={1, 2, 4}, share_topics=frozenset({6}), name="Omar",
        department="Sales", days=frozenset({"tue"}),
    )  # fmt: skip
    (pair,) = match([maya, omar], DEFAULT, TOPIC_NAMES).pairs
    assert pair.reasons == (
        "Maya can teach AI tools and Social media, which Omar wants to learn",
        "Omar can share Career insight, which Maya wants to learn",
        "They bring different perspectives: Data and Sales",
        "Their preferred meeting times overlap by about 3 hours a week",
        "Omar is 3 levels more senior: far enough apart to learn, close enough to relate",
    )


def test_a_short_overlap_is_not_called_an_hour() -> None:
    """Regression: 30 shared minutes a week read "about an hour"."""
    when = {"days": frozenset({"tue"}), "times": frozenset({"morning"})}
    a = mentor("a", **when)
    b = leader("b", utc_offset_minutes=150, department="Sales", **when)
    (pair,) = match([a, b], DEFAULT, TOPIC_NAMES).pairs
    assert "Their preferred meeting times overlap by 30 minutes a week" in pair.reasons


def test_unknown_topic_ids_still_read_as_topics() -> None:
    (pair,) = match([mentor("a", share={9}), leader("b", learn={9})], DEFAULT, {}).pairs
    assert "a can teach topic 9, which b wants to learn" == pair.reasons[0]


ALONE_CASES = {
    R.NO_ONE_TO_TEACH: ([leader("l", level=0)], DEFAULT),
    R.NO_COMPATIBLE_PARTNER_TIMEZONE: ([leader("l", utc_offset_minutes=420)], DEFAULT),
    R.ONLY_SAME_DEPARTMENT: (
        [leader("l", department=" DATA ")],
        MatchRules(cross_department="required"),
    ),
    R.NO_TOPIC_OVERLAP: ([leader("l", learn={2})], DEFAULT),
    R.NO_COMPATIBLE_PARTNER: ([leader("l", past_partners=frozenset({"x"}))], DEFAULT),
    R.CAPACITY_FULL_ON_OTHER_SIDE: (
        [leader("l", learn={1, 2}), mentor("w", share={1, 2})],  # w fits l better
        DEFAULT,
    ),
}


@pytest.mark.parametrize("reason", list(ALONE_CASES))
def test_each_reason_for_a_mentor_left_alone(reason: UnmatchedReason) -> None:
    others, rules = ALONE_CASES[reason]
    group = [mentor("x", utc_offset_minutes=0), *others]
    result = match(group, rules, TOPIC_NAMES)
    alone = unmatched_of(result, "x")
    assert alone.reason is reason
    assert alone.text.endswith("You'll be considered again in the next round.")
    check_result(group, rules, result)


def test_leaders_get_reasons_in_their_own_words() -> None:
    result = match([leader("l"), mentor("m", level=4)], DEFAULT, TOPIC_NAMES)
    texts = {u.participant_id: u for u in result.unmatched}
    assert texts["l"].reason is R.NO_ONE_TO_LEARN_FROM
    assert texts["m"].reason is R.NO_ONE_TO_TEACH
    assert "learn from" in texts["l"].text and "mentor" in texts["m"].text


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


# -- determinism -------------------------------------------------------------------------------


@pytest.mark.parametrize("exact", [None, False])
def test_a_shuffled_medium_round_gives_the_same_result(exact: bool | None) -> None:
    """600 people: past the size where the solver sees every pair at once (auction, pricing)."""
    people = population(600, seed=7)
    mentors, leaders = sides(people, expected_roles(people, DEFAULT))
    assert len(mentors) * len(leaders) > SMALL_ROUND_CELLS
    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    assert match(shuffled, DEFAULT, TOPIC_NAMES, exact=exact) == match(
        people, DEFAULT, TOPIC_NAMES, exact=exact
    )


def test_the_result_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "from tests.domain.matching_strategies import population, TOPIC_NAMES\n"
        "from bot.domain.matching import match, MatchRules\n"
        "print(repr(match(population(500, 3), MatchRules(), TOPIC_NAMES, exact=False)))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "4242")
    }
    assert len(outputs) == 1 and "Pair(" in outputs.pop()


# -- large rounds against an exact solver on the full score matrix --------------------------------


@pytest.mark.parametrize(
    ("seed", "rules"),
    [
        (1, DEFAULT),
        (2, MatchRules(cross_department="required", max_timezone_gap_hours=3.0)),
    ],
)
def test_two_thousand_people_against_the_exact_optimum(seed: int, rules: MatchRules) -> None:
    people = population(2000, seed)
    proven = match(people, rules, TOPIC_NAMES)  # exact by default at this size
    fast = match(people, rules, TOPIC_NAMES, exact=False)
    for result in (proven, fast):
        check_result(people, rules, result)
    assert fast.roles == proven.roles  # decided before the optimisation
    mentors, leaders = sides(people, dict(proven.roles))
    optimum = exact_optimum(mentors, leaders, rules)
    assert optimum.pairs > 50_000  # a real test of the candidate selection

    # The matrix agrees with the readable reference on a sample of cells, allowed or not.
    rng = np.random.default_rng(seed)
    sample = zip(
        rng.integers(len(mentors), size=400), rng.integers(len(leaders), size=400), strict=True
    )
    for i, j in sample:
        ref = pair_score(mentors[i], leaders[j], rules)
        cell = optimum.score_matrix[i, j]
        assert (ref is None and cell == -np.inf) or math.isclose(cell, ref or 0, abs_tol=1e-9)

    assert math.isclose(proven.total_score, optimum.total, rel_tol=1e-9, abs_tol=1e-6), (
        proven.total_score,
        optimum.total,
    )
    assert proven.proven_optimal
    assert fast.total_score >= optimum.total * (1 - 1e-3), (fast.total_score, optimum.total)
    assert fast.total_score <= optimum.total + 1e-6
    assert fast.upper_bound >= optimum.total - 1e-6  # the bound it reports is a real bound


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
