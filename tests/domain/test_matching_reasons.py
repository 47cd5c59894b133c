"""Matching reasons: why a pair fits, and why someone is left alone, in each person's words."""

from __future__ import annotations

import pytest

from bot.domain.matching import MatchRules, UnmatchedReason, match
from tests.domain.matching_oracles import check_result
from tests.domain.matching_people import DEFAULT, R, leader, mentor, unmatched_of
from tests.domain.matching_strategies import TOPIC_NAMES

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
