"""Quiet hours, the stalled-pair ladder and cycles, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cycles import Cycle, SurveyForm, survey_errors
from bot.domain.nudges import Ladder, PairState, Step, is_dormant, next_step
from bot.domain.quiet import WorkingHours, next_open, next_shared
from bot.domain.sessions import local

HOURS = WorkingHours()
ZONES = ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Europe/Berlin", "Asia/Tokyo"]


@given(
    at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    tz=st.sampled_from(ZONES),
)
def test_next_open_is_inside_working_hours_and_never_early(at: datetime, tz: str) -> None:
    at = at.replace(tzinfo=UTC)
    opened = next_open(at, tz, HOURS)
    assert opened >= at and HOURS.open_at(local(opened, tz))
    assert opened - at < timedelta(days=4)  # a long weekend at most


def test_inside_hours_is_left_alone_and_saturday_waits_for_monday() -> None:
    tuesday = datetime(2026, 1, 6, 12, 0, tzinfo=UTC)
    assert next_open(tuesday, "UTC", HOURS) == tuesday
    saturday = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)
    assert next_open(saturday, "America/Los_Angeles", HOURS) == datetime(
        2026, 1, 19, 17, 0, tzinfo=UTC
    )


def test_a_pair_gets_a_window_they_share_or_the_leaders() -> None:
    at = datetime(2026, 1, 6, 6, 0, tzinfo=UTC)
    shared = next_shared(at, ["Europe/Berlin", "America/New_York"], HOURS, fallback="UTC")
    assert HOURS.open_at(local(shared, "Europe/Berlin"))
    assert HOURS.open_at(local(shared, "America/New_York"))
    apart = next_shared(at, ["Asia/Tokyo", "America/Los_Angeles"], HOURS, fallback="Asia/Tokyo")
    assert HOURS.open_at(local(apart, "Asia/Tokyo"))


@pytest.mark.parametrize(
    "hours, days", [("9-18", "mon-fri"), ("18:00-09:00", "mon-fri"), ("09:00-18:00", "funday")]
)
def test_working_hours_are_checked_when_read(hours: str, days: str) -> None:
    with pytest.raises(ValueError):
        WorkingHours.parse(hours, days)


def test_working_days_can_wrap_the_week() -> None:
    assert WorkingHours.parse("08:00-16:00", "sun-thu").days == frozenset({6, 0, 1, 2, 3})


def test_the_ladder_takes_one_step_at_a_time() -> None:
    ladder = Ladder()
    start = datetime(2026, 1, 5, tzinfo=UTC)
    state = PairState(anchor=start, met=False, upcoming=False, done=Step.NONE)
    assert next_step(state, start + timedelta(days=6), ladder) is None
    assert next_step(state, start + timedelta(days=7), ladder) == Step.ASK_LEADER
    late = start + timedelta(days=60)  # down for weeks: still the next step only
    assert next_step(state, late, ladder) == Step.ASK_LEADER
    assert next_step(PairState(start, False, False, Step.AT_RISK), late, ladder) == Step.PAUSED
    assert next_step(PairState(start, False, False, Step.PAUSED), late, ladder) is None
    assert next_step(PairState(start, False, True, Step.NONE), late, ladder) is None


def test_after_a_held_session_the_ladder_waits_longer() -> None:
    ladder = Ladder()
    start = datetime(2026, 1, 5, tzinfo=UTC)
    met = PairState(anchor=start, met=True, upcoming=False, done=Step.NONE)
    assert next_step(met, start + timedelta(days=20), ladder) is None
    assert next_step(met, start + timedelta(days=21), ladder) == Step.ASK_LEADER


def test_three_ignored_prompts_make_someone_quiet() -> None:
    assert not is_dormant(2) and is_dormant(3)


def test_a_cycle_has_a_middle_an_end_and_a_deadline() -> None:
    cycle = Cycle()
    start = datetime(2026, 1, 5, tzinfo=UTC)
    assert cycle.middle(start) == start + timedelta(weeks=6)
    assert cycle.too_late_to_choose(start) == start + timedelta(weeks=12, days=7)


def test_the_survey_asks_for_each_answer() -> None:
    assert set(survey_errors(SurveyForm(None, "", None))) == {"continue_with", "recommend"}
    assert survey_errors(SurveyForm("yes", "x" * 501, 11)).keys() == {"changed", "recommend"}
    assert survey_errors(SurveyForm("no", "", 0)) == {}
