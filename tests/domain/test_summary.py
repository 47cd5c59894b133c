"""The summary's rules: periods, the digest's Monday morning, what an admin may read of the
aggregates, and the CSV (BOM, formula guard, hidden cells)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import UserFacingError
from bot.domain.privacy import TOO_FEW
from bot.domain.summary import (
    Aggregates,
    Confidence,
    Digest,
    Polls,
    Rating,
    Week,
    Window,
    parse_period,
    period,
    summarise,
)
from bot.domain.summary_csv import HEADER, defuse, to_csv, weekly_csv

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def window(people: int, *, answered: int = 0) -> Window:
    """A period where `people` people took part, half on each side, all rating 4."""
    half = people // 2
    return Window(
        joined=people,
        live_pairs=half,
        met_pairs=half,
        pair_people=people,
        held=half,
        polls=Polls(
            asked=people,
            answered=answered or people,
            people=people,
            to_leaders=Rating(4 * half, half, half),
            to_mentors=Rating(4 * half, half, half),
        ),
        confidence=Confidence(half, 2.5, 4.0),
    )


def aggregates(people: int, before: int | None = None) -> Aggregates:
    half = people // 2
    return Aggregates(
        period=period("30d", NOW, 12),
        now=window(people),
        before=window(before) if before is not None else None,
        by_role={"share": half, "learn": people - half, "both": 0},
        by_level={"Early career": half, "Director": people - half},
        participants=people,
        paused_people=0,
        active_pairs=half,
        paused_pairs=0,
        upcoming=1,
        supply={"AI": half, "Career": 1},
        demand={"AI": people - half, "Career": half},
        at_risk=(),
        waiting_messages=0,
    )


def test_periods_and_their_previous_period() -> None:
    p = period("30d", NOW, 12)
    assert p.start == NOW - timedelta(days=30) and p.label == "the last 30 days"
    assert p.previous is not None and p.previous.end == p.start
    assert period("cycle", NOW, 12).start == NOW - timedelta(weeks=12)
    assert period("all", NOW, 12).previous is None
    assert parse_period("") == "30d" and parse_period("90D") == "90d"
    with pytest.raises(UserFacingError):
        parse_period("last year")


def test_a_four_person_program_shows_no_rating_at_all() -> None:
    s = summarise(aggregates(4, before=4), k=5)
    for figure in (s.value_to_leaders, s.value_to_mentors, s.response_rate, s.share_met):
        assert figure.text() == TOO_FEW and figure.change is None
    assert s.confidence_first.hidden and s.confidence_latest.shown.hidden
    assert set(s.by_role.values()) == {None}  # 2, 2 and 0: all under K
    assert s.participants.text() == "4"


def test_a_forty_person_program_shows_ratings_and_their_change() -> None:
    s = summarise(aggregates(40, before=30), k=5)
    assert s.value_to_leaders.text() == "4.0 (no change)"
    assert s.response_rate.text() == "100% (no change)"
    assert s.held.text() == "20 (+5)"
    assert s.confidence_first.value == 2.5 and s.confidence_latest.shown.value == 4.0


def test_no_trend_when_the_previous_period_is_under_k() -> None:
    s = summarise(aggregates(40, before=4), k=5)
    assert s.value_to_leaders.text() == "4.0" and s.value_to_leaders.change is None


def test_the_gap_names_topics_with_more_learners_than_sharers_when_shown() -> None:
    s = summarise(aggregates(40), k=5)
    assert [topic for topic, _, _ in s.gap] == ["Career"]  # 20 learners, 1 sharer (hidden)
    assert s.gap[0][2] is None


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 7, 7, 59, tzinfo=UTC), None),  # 08:59 in Berlin
        (datetime(2026, 12, 7, 8, 0, tzinfo=UTC), "2026-W50"),  # Monday 09:00 in Berlin
        (datetime(2026, 12, 9, 7, 59, tzinfo=UTC), "2026-W50"),  # 47:59 later: still news
        (datetime(2026, 12, 9, 8, 0, tzinfo=UTC), None),  # too late: skipped
        (datetime(2026, 12, 13, 22, 0, tzinfo=UTC), None),  # Sunday
    ],
)
def test_the_digest_is_due_on_monday_at_nine_in_the_programs_zone(
    now: datetime, due: str | None
) -> None:
    found = Digest(zone="Europe/Berlin", late=timedelta(hours=48)).due(now)
    assert (found[0] if found else None) == due


def test_the_digest_week_across_a_new_year_is_the_iso_week() -> None:
    found = Digest(zone="UTC").due(datetime(2027, 1, 4, 9, 30, tzinfo=UTC))
    assert found is not None and found[0] == "2027-W01"
    assert Digest(enabled=False).due(datetime(2027, 1, 4, 9, 30, tzinfo=UTC)) is None


@given(st.text(min_size=1))
def test_no_cell_can_start_a_formula(cell: str) -> None:
    assert not defuse(cell).startswith(("=", "+", "-", "@", "\t", "\r", "\0"))


def test_the_csv_has_a_bom_defused_cells_and_hidden_figures_flagged() -> None:
    data = to_csv([["name"], ['=HYPERLINK("x")'], ["@SUM(A1)"], ["-1"], ["plain"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("x")', "'@SUM(A1)", "'-1", "plain"]
    small = Week(date(2026, 11, 30), held=2, live_pairs=2, met_pairs=2, pair_people=4)
    big = Week(
        date(2026, 12, 7),
        held=8,
        live_pairs=10,
        met_pairs=8,
        pair_people=20,
        polls=Polls(20, 15, 20, Rating(40, 10, 10), Rating(9, 3, 3)),
    )
    rows = list(csv.reader(io.StringIO(weekly_csv([small, big], 5).decode("utf-8-sig"))))
    assert rows[0] == list(HEADER)
    assert rows[1][4] == "" and "share_of_pairs_that_met" in rows[1][-1]
    assert rows[2][4] == "0.80" and rows[2][6] == "0.75" and rows[2][7] == "4.0"
    assert rows[2][8] == "" and rows[2][-1] == "value_to_reverse_mentors_avg"
