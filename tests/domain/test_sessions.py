"""The pure rules of a pair's sessions: what a booking must satisfy, how it reads in each
person's time zone, and when its reminders are due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.lifecycle import SessionStatus
from bot.domain.sessions import (
    PLACE_MAX,
    SOMETHING_ELSE,
    Attendee,
    Busy,
    Member,
    SessionInfo,
    check_place,
    check_start,
    clock_time,
    due_reminders,
    is_link,
    local,
    offset_label,
    parse_reminders,
    unusual_hours,
    utc,
    zone,
)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a Monday
BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
H = timedelta(hours=1)


# -- check_start ---------------------------------------------------------------------------------


def test_a_start_must_be_picked() -> None:
    assert check_start(None, 45, NOW) == "Pick a date and a time."


def test_a_start_is_at_least_15_minutes_ahead() -> None:
    refused = check_start(NOW + timedelta(minutes=14), 45, NOW)
    assert refused is not None and "15 minutes" in refused
    assert check_start(NOW + timedelta(minutes=15), 45, NOW) is None


def test_a_start_is_within_90_days() -> None:
    assert check_start(NOW + timedelta(days=90), 45, NOW) is None
    refused = check_start(NOW + timedelta(days=90, minutes=1), 45, NOW)
    assert refused is not None and "90 days" in refused


def test_a_start_may_not_overlap_my_own_sessions() -> None:
    start = NOW + timedelta(days=1)
    refused = check_start(start, 45, NOW, mine=[Busy(start + timedelta(minutes=30), 30)])
    assert refused is not None and "You already have a session" in refused


def test_a_start_may_not_overlap_the_partners_sessions_and_says_whose() -> None:
    start = NOW + timedelta(days=1)
    busy = [Busy(start - timedelta(minutes=15), 30)]
    refused = check_start(start, 45, NOW, partners=busy, partner_name="Grace")
    assert refused is not None and refused.startswith("Grace already has a session")


@pytest.mark.parametrize("minutes", [30, 45, 60])
def test_sessions_that_only_touch_do_not_overlap(minutes: int) -> None:
    start = NOW + timedelta(days=1)
    before = Busy(start - timedelta(minutes=60), 60)  # ends exactly when this one starts
    after = Busy(start + timedelta(minutes=minutes), 30)  # starts exactly when this one ends
    assert check_start(start, minutes, NOW, mine=[before, after], partners=[before, after]) is None


@given(st.integers(min_value=-600, max_value=600), st.sampled_from([30, 45, 60]))
def test_overlap_is_symmetric(shift: int, minutes: int) -> None:
    a = NOW + timedelta(days=2)
    b = a + timedelta(minutes=shift)
    one = check_start(a, minutes, NOW, mine=[Busy(b, 45)]) is None
    other = check_start(b, 45, NOW, mine=[Busy(a, minutes)]) is None
    assert one == other == (shift >= minutes or shift <= -45)


# -- check_place / is_link -----------------------------------------------------------------------


@pytest.mark.parametrize("place", ["", "   ", "https://x.y/z", "Room 4.12, 3rd floor"])
def test_good_places(place: str) -> None:
    assert check_place(place) is None


@pytest.mark.parametrize("place", ["ftp://x", "javascript://alert(1)", "www.example.com"])
def test_a_link_must_be_a_web_link(place: str) -> None:
    assert check_place(place) == "A link must start with http:// or https://."


def test_a_place_has_a_length_limit() -> None:
    assert check_place("x" * PLACE_MAX) is None
    refused = check_place("x" * (PLACE_MAX + 1))
    assert refused is not None and str(PLACE_MAX) in refused


LINKS = ["https://x.y/z", "http://meet.example/abc?x=1&y=2", "  https://x.y/z  "]
NOT_LINKS = ["ftp://x", "javascript://alert(1)", "www.example.com", "Room 4.12", "https://a b", ""]


def test_is_link_only_for_http_and_https() -> None:
    assert all(is_link(p) for p in LINKS) and not any(is_link(p) for p in NOT_LINKS)


# -- unusual_hours -------------------------------------------------------------------------------

ANNA = Attendee("Anna", BERLIN, days=("mon", "wed"), times=("morning", "afternoon"))
NED = Attendee("Ned", NEW_YORK, days=("mon", "tue", "wed", "thu", "fri"), times=("morning",))


def test_an_early_hour_is_noted_for_the_person_it_is_early_for() -> None:
    at = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)  # Wed 10:00 Berlin, 04:00 New York
    assert local(at, BERLIN).hour == 10 and local(at, NEW_YORK).hour == 4
    assert unusual_hours(at, 45, [ANNA, NED]) == ["that is 04:00 for Ned"]


def test_a_time_inside_both_preferred_windows_needs_no_note() -> None:
    at = datetime(2026, 1, 7, 15, 0, tzinfo=UTC)  # Wed 16:00-17:00 Berlin, 10:00-11:00 NY
    assert unusual_hours(at, 60, [ANNA, NED]) == []


def test_a_day_they_do_not_prefer_is_noted() -> None:
    ned = Attendee("Ned", NEW_YORK, days=("mon", "tue"), times=("morning",))
    at = datetime(2026, 1, 7, 15, 0, tzinfo=UTC)  # a Wednesday
    assert unusual_hours(at, 60, [ANNA, ned]) == [
        "that is Wednesday 10:00 for Ned, outside the days and times they prefer"
    ]


def test_a_session_across_local_midnight_is_noted() -> None:
    at = datetime(2026, 1, 7, 22, 30, tzinfo=UTC)  # 23:30 Berlin, ends 00:15
    assert unusual_hours(at, 45, [Attendee("Anna", BERLIN)]) == ["that is 23:30 for Anna"]


def test_a_session_ending_exactly_at_eight_in_the_evening_is_not_late() -> None:
    at = datetime(2026, 1, 7, 18, 15, tzinfo=UTC)  # 19:15-20:00 Berlin
    assert "that is 19:15 for Anna" not in unusual_hours(at, 45, [Attendee("Anna", BERLIN)])


def test_local_hours_follow_daylight_saving() -> None:
    after = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)  # Berlin moved to CEST on 29 March
    before = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # New York already on EDT
    assert local(after, BERLIN).hour == 17 and local(after, NEW_YORK).hour == 11
    assert local(before, BERLIN).hour == 16 and local(before, NEW_YORK).hour == 11
    assert clock_time(after, BERLIN) == "Mon 30 Mar, 17:00"
    late = unusual_hours(datetime(2026, 3, 30, 18, 30, tzinfo=UTC), 45, [ANNA])
    assert late == ["that is 20:30 for Anna"]  # 18:30 UTC is already 20:30 in Berlin


@pytest.mark.parametrize("hour", [11, 16])
def test_no_preferences_means_any_time_of_the_day(hour: int) -> None:
    at = datetime(2026, 1, 7, hour, 30, tzinfo=UTC)  # a Wednesday, 11:30 or 16:30 UTC
    assert unusual_hours(at, 45, [Attendee("Uma", "UTC")]) == []


# -- parse_reminders / offset_label --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h,1h", (24 * H, H)),
        ("1h,24h", (24 * H, H)),
        (" 1h , 24h ", (24 * H, H)),
        ("24h,1h,24h,1d", (24 * H, H)),
        ("90m", (timedelta(minutes=90),)),
        ("2d", (timedelta(days=2),)),
        *((off, ()) for off in ("off", "OFF", "", "  ")),
    ],
)
def test_parse_reminders(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_reminders(text) == expected


@pytest.mark.parametrize("text", ["1x", "0h", "15d", "abc", "24h,", "4m", "-1h"])
def test_bad_reminders_are_refused_with_a_readable_message(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_reminders(text)
    message = str(raised.value)
    assert "like 24h, 90m or 2d" in message or "between 5 minutes and 14 days" in message


@given(st.lists(st.sampled_from(["5m", "90m", "1h", "24h", "2d", "14d", "3h"]), min_size=1))
def test_reminders_are_unique_and_longest_first(parts: list[str]) -> None:
    offsets = parse_reminders(",".join(parts))
    assert list(offsets) == sorted(set(offsets), reverse=True)
    assert {offset_label(o) for o in offsets} == {
        offset_label(parse_reminders(p)[0]) for p in parts
    }


@pytest.mark.parametrize(
    ("offset", "label"),
    [(24 * H, "24h"), (H, "1h"), (timedelta(minutes=90), "90m"), (timedelta(days=2), "48h")],
)
def test_offset_label(offset: timedelta, label: str) -> None:
    assert offset_label(offset) == label


# -- due_reminders -------------------------------------------------------------------------------


def test_a_session_soon_gets_no_reminder_whose_time_has_passed() -> None:
    assert due_reminders(NOW + timedelta(minutes=30), (24 * H, H), NOW) == []


def test_a_session_two_days_ahead_gets_both_reminders() -> None:
    start = NOW + timedelta(days=2)
    assert due_reminders(start, (24 * H, H), NOW) == [(24 * H, start - 24 * H), (H, start - H)]


def test_a_reminder_is_due_24_real_hours_before_across_daylight_saving() -> None:
    start = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)  # 12:00 CEST, the day Berlin changes
    [(offset, due)] = due_reminders(start, (24 * H,), datetime(2026, 3, 20, tzinfo=UTC))
    assert offset == 24 * H and (start - due).total_seconds() == 86400
    assert local(due, BERLIN).hour == 11  # 11:00 CET the day before: 24 hours, not a day


@given(st.integers(min_value=0, max_value=20 * 24 * 60))
def test_due_reminders_are_all_still_ahead(minutes_ahead: int) -> None:
    start = NOW + timedelta(minutes=minutes_ahead)
    for offset, due in due_reminders(start, (24 * H, H), NOW):
        assert due > NOW and due == start - offset


# -- clock_time / zone / utc ---------------------------------------------------------------------


def test_clock_time_reads_in_the_persons_zone() -> None:
    at = datetime(2026, 1, 7, 14, 0, tzinfo=UTC)
    assert clock_time(at, NEW_YORK) == "Wed 7 Jan, 09:00"
    assert clock_time(at, "America/Los_Angeles") == "Wed 7 Jan, 06:00"
    assert clock_time(at, "Asia/Tokyo") == "Wed 7 Jan, 23:00"


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../etc/passwd", "UTC "])
def test_an_unknown_zone_falls_back_to_utc(name: str) -> None:
    at = datetime(2026, 1, 7, 14, 0, tzinfo=UTC)
    assert zone(name).key == "UTC"
    assert clock_time(at, name) == "Wed 7 Jan, 14:00"


@pytest.mark.parametrize("name", ["America", "Europe", "x" * 300])
def test_a_zone_name_that_is_a_folder_or_too_long_falls_back_to_utc(name: str) -> None:
    assert zone(name).key == "UTC"


def test_utc_reads_naive_as_utc_and_converts_aware() -> None:
    assert utc(datetime(2026, 1, 7, 9, 0)) == datetime(2026, 1, 7, 9, 0, tzinfo=UTC)
    berlin = datetime(2026, 1, 7, 10, 0, tzinfo=zone(BERLIN))
    assert utc(berlin).tzinfo is UTC and utc(berlin).hour == 9


# -- SessionInfo ---------------------------------------------------------------------------------

MAYA = Member("U01MAYA", "Maya", NEW_YORK)
GRACE = Member("U02GRACE", "Grace", "America/Los_Angeles", ("tue",), ("morning",))


def session(topic: str = "AI tools") -> SessionInfo:
    start = datetime(2026, 1, 7, 17, 0, tzinfo=UTC)
    booked, uid = SessionStatus.BOOKED, "session-7@flipside"
    return SessionInfo(7, 3, start, 45, topic, "", "", booked, 0, uid, MAYA.user_id, MAYA, GRACE)


def test_session_info_knows_each_persons_partner() -> None:
    s = session()
    assert s.partner_of(MAYA.user_id) == GRACE and s.partner_of(GRACE.user_id) == MAYA
    assert s.member(MAYA.user_id) == MAYA and s.member(GRACE.user_id) == GRACE
    assert s.ends_at == datetime(2026, 1, 7, 17, 45, tzinfo=UTC)
    assert s.title == "Flipside session: Maya & Grace"
    assert session("AI tools").topic_label == "AI tools"
    assert session("").topic_label == SOMETHING_ELSE == "Something else"
    assert GRACE.attendee() == Attendee("Grace", GRACE.timezone, ("tue",), ("morning",))
    assert GRACE.attendee(as_you=True).name == "you"
