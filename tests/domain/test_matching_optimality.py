"""Matching optimality: the brute-force optimum on small rounds, an exact LP on large ones."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given

from bot.domain.matching import Candidate, MatchRules, match, pair_score
from tests.domain.matching_oracles import brute_force_best, check_result, exact_optimum, sides
from tests.domain.matching_people import DEFAULT, FAST
from tests.domain.matching_strategies import TOPIC_NAMES, groups, population, rules

# -- small rounds against a brute-force search ---------------------------------------------------


@FAST
@given(group=groups(max_size=8), rules=rules())
def test_the_total_is_the_brute_force_optimum(group: list[Candidate], rules: MatchRules) -> None:
    result = match(group, rules, TOPIC_NAMES)
    mentors, leaders = sides(group, dict(result.roles))
    best = brute_force_best(mentors, leaders, rules)
    assert math.isclose(result.total_score, best, rel_tol=0, abs_tol=1e-6)
    assert result.proven_optimal
    assert math.isclose(result.upper_bound, best, rel_tol=0, abs_tol=1e-6)


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
