"""Matching input validation: capacities, levels, offsets, weights and rules; degenerate rounds."""

from __future__ import annotations

import math

import pytest

from bot.domain.matching import MatchResult, MatchRules, match
from bot.domain.matching.model import MAX_UTC_OFFSET, MIN_UTC_OFFSET
from bot.domain.program import MAX_CAPACITY, MIN_CAPACITY
from tests.domain.matching_people import DEFAULT, R, leader, mentor
from tests.domain.matching_strategies import TOPIC_NAMES

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
