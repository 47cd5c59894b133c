"""The pure rules of a profile and of a pause: `validate_profile` and `parse_pause`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.profile import (
    DAYS,
    DEPARTMENT_MAX,
    GOALS_MAX,
    MAX_BLOCKED,
    MAX_PAUSE_DAYS,
    TIMES,
    PauseError,
    ProfileForm,
    check_resume_date,
    parse_pause,
    validate_profile,
)

ME = "U01MAYA"
TOPICS = {1, 2, 3, 4, 5, 6}
LEVELS = 6
TODAY = date(2026, 1, 5)

VALID = ProfileForm(
    role="share",
    level=0,
    department="Data",
    share_topics=(1, 2),
    learn_topics=(),
    goals="Show leaders what AI assistants do for analysts.",
    days=("tue", "thu"),
    times=("morning",),
    capacity=1,
    blocked=("U01DANIEL",),
)


def check(form: ProfileForm, departments: list[str] | None = None) -> dict[str, str]:
    return validate_profile(
        form, user_id=ME, topic_ids=TOPICS, level_count=LEVELS, departments=departments or []
    )


# -- validate_profile --------------------------------------------------------------------------


def test_a_complete_profile_is_valid() -> None:
    assert check(VALID) == {}


@pytest.mark.parametrize(
    ("role", "share", "learn", "expected"),
    [
        ("share", (), (3,), {"share_topics"}),
        ("learn", (1,), (), {"learn_topics"}),
        ("both", (), (), {"share_topics", "learn_topics"}),
        ("both", (1,), (), {"learn_topics"}),
        ("both", (), (2,), {"share_topics"}),
        ("share", (1,), (), set()),
        ("learn", (), (2,), set()),
        ("both", (1,), (2,), set()),
    ],
)
def test_sharers_pick_something_to_share_and_learners_something_to_learn(
    role: str, share: tuple[int, ...], learn: tuple[int, ...], expected: set[str]
) -> None:
    form = replace(VALID, role=role, share_topics=share, learn_topics=learn)
    assert set(check(form)) == expected


@pytest.mark.parametrize("role", [None, "", "admin", "SHARE", "boss"])
def test_role_must_be_one_of_the_three(role: str | None) -> None:
    assert "role" in check(replace(VALID, role=role))


@pytest.mark.parametrize("level", [None, -1, LEVELS, 99])
def test_level_must_be_one_of_the_listed_levels(level: int | None) -> None:
    assert set(check(replace(VALID, level=level))) == {"level"}


def test_every_listed_level_is_accepted() -> None:
    assert all(check(replace(VALID, level=n)) == {} for n in range(LEVELS))


@pytest.mark.parametrize("department", ["", "   ", "\n"])
def test_department_is_required(department: str) -> None:
    assert set(check(replace(VALID, department=department))) == {"department"}


def test_free_text_department_has_a_length_limit() -> None:
    assert check(replace(VALID, department="x" * DEPARTMENT_MAX)) == {}
    assert set(check(replace(VALID, department="x" * (DEPARTMENT_MAX + 1)))) == {"department"}


def test_department_must_come_from_the_admins_list_when_there_is_one() -> None:
    listed = ["Data", "Sales"]
    assert check(VALID, departments=listed) == {}
    assert set(check(replace(VALID, department="Marketing"), departments=listed)) == {"department"}


def test_goals_are_optional_and_at_most_1000_characters() -> None:
    assert check(replace(VALID, goals="")) == {}
    assert check(replace(VALID, goals="g" * GOALS_MAX)) == {}
    errors = check(replace(VALID, goals="g" * (GOALS_MAX + 1)))
    assert set(errors) == {"goals"}
    assert "1,000" in errors["goals"] and "1,001" in errors["goals"]


def test_nobody_can_block_themselves() -> None:
    errors = check(replace(VALID, blocked=("U01DANIEL", ME)))
    assert set(errors) == {"blocked"}
    assert "yourself" in errors["blocked"]


@pytest.mark.parametrize("odd", ["x", "U01PRIYA ", "U01\x00", "", "u01priya", "U" + "9" * 40])
def test_the_blocked_list_holds_only_slack_user_ids(odd: str) -> None:
    """A tampered users select: saved, it could not be shown in the profile modal again."""
    assert set(check(replace(VALID, blocked=("U01DANIEL", odd)))) == {"blocked"}


def test_the_blocked_list_has_a_limit() -> None:
    many = tuple(f"U0X{i:04d}" for i in range(MAX_BLOCKED + 1))
    assert check(replace(VALID, blocked=many[:MAX_BLOCKED])) == {}
    assert set(check(replace(VALID, blocked=many))) == {"blocked"}


@pytest.mark.parametrize("capacity", [None, 0, 4, -1])
def test_capacity_is_between_one_and_three(capacity: int | None) -> None:
    assert set(check(replace(VALID, capacity=capacity))) == {"capacity"}


def test_a_topic_that_does_not_exist_is_reported_on_the_field_that_holds_it() -> None:
    assert set(check(replace(VALID, share_topics=(1, 99)))) == {"share_topics"}
    assert set(check(replace(VALID, role="both", learn_topics=(42,)))) == {"learn_topics"}
    assert set(check(replace(VALID, role="share", learn_topics=(42,)))) == {"learn_topics"}
    both = check(replace(VALID, role="both", share_topics=(77,), learn_topics=(88,)))
    assert set(both) == {"share_topics", "learn_topics"}
    assert all("no longer exists" in m for m in both.values())


def test_days_and_times_come_from_the_lists() -> None:
    assert set(check(replace(VALID, days=("sat",)))) == {"days"}
    assert set(check(replace(VALID, times=("midnight",)))) == {"times"}
    assert check(replace(VALID, days=DAYS, times=TIMES)) == {}


def test_every_error_message_is_a_sentence_for_the_person() -> None:
    empty = ProfileForm(role=None, level=None, department="", share_topics=(), learn_topics=())
    errors = check(replace(empty, capacity=None, blocked=(ME,), goals="g" * 2000))
    assert {"role", "level", "department", "goals", "capacity", "blocked"} <= set(errors)
    assert all(msg and msg[0].isupper() and msg.rstrip().endswith(".") for msg in errors.values())


@given(
    role=st.sampled_from(["share", "learn", "both"]),
    share=st.lists(st.sampled_from(sorted(TOPICS)), max_size=6, unique=True),
    learn=st.lists(st.sampled_from(sorted(TOPICS)), max_size=6, unique=True),
    goals=st.text(max_size=GOALS_MAX + 200),
    blocked=st.lists(st.sampled_from(["U01DANIEL", "U01GRACE", ME]), unique=True),
)
def test_errors_are_exactly_the_broken_rules(
    role: str, share: list[int], learn: list[int], goals: str, blocked: list[str]
) -> None:
    form = replace(
        VALID,
        role=role,
        share_topics=tuple(share),
        learn_topics=tuple(learn),
        goals=goals,
        blocked=tuple(blocked),
    )
    expected = set()
    if role in ("share", "both") and not share:
        expected.add("share_topics")
    if role in ("learn", "both") and not learn:
        expected.add("learn_topics")
    if len(goals) > GOALS_MAX:
        expected.add("goals")
    if ME in blocked:
        expected.add("blocked")
    assert set(check(form)) == expected


# -- parse_pause -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("until 2026-03-01", date(2026, 3, 1)),
        ("Until   2026-03-01 ", date(2026, 3, 1)),
        ("for 3 weeks", TODAY + timedelta(weeks=3)),
        ("for 1 week", TODAY + timedelta(weeks=1)),
        ("FOR 10 DAYS", TODAY + timedelta(days=10)),
        ("for 1 day", TODAY + timedelta(days=1)),
        ("for 2 months", TODAY + timedelta(days=60)),
    ],
)
def test_parse_pause_understands_until_and_for(text: str, expected: date) -> None:
    assert parse_pause(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "until",
        "until next friday",
        "until 2026-1-5",
        "until 01/03/2026",
        "for weeks",
        "for -3 weeks",
        "for 3 fortnights",
        "for 3",
        "for 100 days",  # three digits are not understood either
    ],
)
def test_parse_pause_explains_what_it_does_not_understand(text: str) -> None:
    with pytest.raises(PauseError, match="pause"):
        parse_pause(text, TODAY)


def test_an_impossible_date_is_named() -> None:
    with pytest.raises(PauseError, match="2026-02-30 is not a date"):
        parse_pause("until 2026-02-30", TODAY)


@pytest.mark.parametrize("text", ["until 2026-01-05", "until 2025-12-31", "for 0 weeks"])
def test_the_date_must_be_after_today(text: str) -> None:
    with pytest.raises(PauseError, match="after today"):
        parse_pause(text, TODAY)


@pytest.mark.parametrize("text", ["until 2027-01-06", "for 53 weeks", "for 13 months"])
def test_a_pause_is_at_most_a_year(text: str) -> None:
    with pytest.raises(PauseError, match="up to a year"):
        parse_pause(text, TODAY)


def test_exactly_a_year_is_allowed() -> None:
    assert parse_pause("until 2027-01-05", TODAY) == TODAY + timedelta(days=MAX_PAUSE_DAYS)


days_around = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(today=days_around, n=st.integers(min_value=1, max_value=MAX_PAUSE_DAYS // 7))
def test_pause_for_n_weeks_is_today_plus_7n_days(today: date, n: int) -> None:
    unit = "week" if n == 1 else "weeks"
    assert parse_pause(f"for {n} {unit}", today) == today + timedelta(days=7 * n)
    assert parse_pause(f"for {n} weeks", today) == today + timedelta(days=7 * n)


@given(today=days_around, n=st.integers(min_value=MAX_PAUSE_DAYS // 7 + 1, max_value=99))
def test_pause_for_more_than_a_year_of_weeks_is_refused(today: date, n: int) -> None:
    with pytest.raises(PauseError):
        parse_pause(f"for {n} weeks", today)


@given(today=days_around, n=st.integers(min_value=1, max_value=99))
def test_pause_for_n_days_is_today_plus_n_days(today: date, n: int) -> None:
    assert parse_pause(f"for {n} days", today) == today + timedelta(days=n)


@given(today=days_around, offset=st.integers(min_value=-400, max_value=800))
def test_pause_until_accepts_exactly_tomorrow_to_a_year(today: date, offset: int) -> None:
    target = today + timedelta(days=offset)
    if 1 <= offset <= MAX_PAUSE_DAYS:
        assert parse_pause(f"until {target.isoformat()}", today) == target
    else:
        with pytest.raises(PauseError):
            parse_pause(f"until {target.isoformat()}", today)


@given(today=days_around, text=st.text(max_size=40))
def test_parse_pause_either_answers_a_valid_date_or_raises_pause_error(
    today: date, text: str
) -> None:
    try:
        resume = parse_pause(text, today)
    except PauseError:
        return
    check_resume_date(resume, today)  # what it returns is always acceptable
    assert today < resume <= today + timedelta(days=MAX_PAUSE_DAYS)
