"""Matching scores: `pair_score` follows the hard rules, and `ScoreModel` equals it."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given

from bot.domain.matching import Candidate, MatchRules, match, pair_score
from bot.domain.matching.score import ScoreModel
from tests.domain.matching_oracles import excluded, profiles_fit
from tests.domain.matching_people import FAST, leader, mentor
from tests.domain.matching_strategies import TOPIC_NAMES, groups, rules

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
