"""Topic kits, finding a topic someone typed, and progress, as pure rules; and the package's
kits file, which every default topic must have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.kits import Kit, Progress, briefing_due, closest, kit_errors
from bot.domain.program import DEFAULT_TOPICS
from bot.features.kits.library import _package, default_kit

TOPICS = list(DEFAULT_TOPICS)


def test_every_default_topic_has_its_own_kit_in_the_file() -> None:
    kits, _ = _package()
    assert set(TOPICS) <= set(kits)
    for topic in TOPICS:
        kit = default_kit(topic)
        assert kit.why and len(kit.starters) == 3 and kit.exercise and kit.expertise


def test_a_topic_an_admin_added_gets_the_generic_kit() -> None:
    kit = default_kit("Chess")
    assert kit.topic == "Chess" and not kit.edited and len(kit.starters) == 3


@pytest.mark.parametrize(
    "asked, found",
    [
        ("AI", "AI and new tools"),
        ("ai and new tools", "AI and new tools"),
        ("socail media", "Social media"),
        ("career", "Leadership and career insight"),
        ("inclusion", "Diversity and inclusion"),
        ("quantum", None),
        ("", None),
    ],
)
def test_closest_finds_what_someone_meant(asked: str, found: str | None) -> None:
    assert closest(asked, TOPICS) == found


def test_a_kit_needs_three_starters() -> None:
    with pytest.raises(ValueError):
        Kit.from_mapping("X", {"why": "w", "starters": ["a"], "exercise": "e", "expertise": "x"})


def test_an_edit_is_checked_field_by_field() -> None:
    errors = kit_errors("", ["a", "", "c" * 201], "e", "x" * 401)
    assert set(errors) == {"why", "starter_2", "starter_3", "expertise"}


def test_briefings_come_a_day_ahead_and_never_after_the_start() -> None:
    start = datetime(2026, 1, 8, 15, tzinfo=UTC)
    assert not briefing_due(start, start - timedelta(hours=25))
    assert briefing_due(start, start - timedelta(hours=24))
    assert briefing_due(start, start - timedelta(minutes=5))
    assert not briefing_due(start, start)


def test_progress_reads_as_first_to_latest() -> None:
    assert Progress(0, (), ()).confidence_line() is None
    assert Progress(1, ("AI",), (2,)).confidence_line() == "2 after your first session"
    assert Progress(5, ("AI",), (2, 3, 3, 4, 4)).confidence_line() == "2 → 4 over 5 sessions"
