"""A session as a calendar entry: the `ics` file, `parse_ics` and the "add to calendar" links."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from bot.domain.calendar import (
    ELLIPSIS,
    LINK_LIMIT,
    PRODID,
    CalendarEvent,
    google_link,
    ics,
    outlook_link,
    parse_ics,
)

STARTS = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
EVENT = CalendarEvent(
    uid="session-42-x7kq@flipside",
    sequence=0,
    starts_at=STARTS,
    minutes=45,
    title="Flipside: Maya & Grace",
    description="Agenda: prompts, pitfalls; next steps",
    location="https://meet.example.com/abc-defg-hij",
    stamp=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
)
TRICKY = "a, b; c\\d C:\\New \\n \\, end\\\nline two 😀 ✅ 日本語\ttab"


def lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def query(link: str) -> dict[str, str]:
    values = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert all(len(v) == 1 for v in values.values())
    return {key: v[0] for key, v in values.items()}


def was_cut_from(shown: str, original: str) -> bool:
    """Whether `shown` is `original` itself or a prefix of it marked as cut."""
    if shown == original:
        return True
    return shown.endswith(ELLIPSIS) and original.startswith(shown.removesuffix(ELLIPSIS))


# -- CalendarEvent -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["starts_at", "stamp"])
def test_a_naive_datetime_is_refused(field: str) -> None:
    naive: dict[str, Any] = {field: datetime(2026, 12, 3, 15, 0)}
    with pytest.raises(ValueError, match="naive"):
        replace(EVENT, **naive)


def test_an_aware_time_in_another_zone_is_kept_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    event = replace(EVENT, starts_at=datetime(2026, 12, 3, 16, 0, tzinfo=paris))
    assert event.starts_at == STARTS and event.starts_at.utcoffset() == timedelta(0)
    assert b"DTSTART:20261203T150000Z\r\n" in ics(event)


@pytest.mark.parametrize(("field", "value"), [("minutes", 0), ("sequence", -1), ("uid", "")])
def test_a_meaningless_event_is_refused(field: str, value: Any) -> None:
    with pytest.raises(ValueError):
        replace(EVENT, **{field: value})


# -- ics and parse_ics -------------------------------------------------------------------------


def test_the_file_reads_back_as_the_event() -> None:
    parsed = parse_ics(ics(EVENT))
    assert parsed.method == "PUBLISH"
    assert parsed.uid == EVENT.uid
    assert parsed.sequence == 0
    assert parsed.status == "CONFIRMED"
    assert parsed.starts_at == STARTS and parsed.starts_at.utcoffset() == timedelta(0)
    assert parsed.ends_at == STARTS + timedelta(minutes=45)
    assert (parsed.summary, parsed.description, parsed.location) == (
        EVENT.title,
        EVENT.description,
        EVENT.location,
    )


def test_the_calendar_header_is_the_one_clients_expect() -> None:
    head = lines(ics(EVENT))[:6]
    assert set(head) == {
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        b"PRODID:" + PRODID.encode(),
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        b"BEGIN:VEVENT",
    }


def test_times_are_utc_with_an_end_and_no_time_zone_nor_duration() -> None:
    data = ics(EVENT)
    assert b"\r\nDTSTART:20261203T150000Z\r\n" in data
    assert b"\r\nDTEND:20261203T154500Z\r\n" in data
    assert b"\r\nDTSTAMP:20261120T093000Z\r\n" in data
    for absent in (b"VTIMEZONE", b"TZID", b"DURATION"):
        assert absent not in data


@pytest.mark.parametrize(
    "text",
    [
        TRICKY,
        "ends with a backslash \\",
        "\\N and \\\\N are typed, not line breaks",
        "😀" * 300,
        "é" * 1500,
        "",
    ],
)
def test_free_text_survives_the_round_trip_exactly(text: str) -> None:
    event = replace(EVENT, title=text or "t", description=text, location=text)
    parsed = parse_ics(ics(event))
    assert (parsed.summary, parsed.description, parsed.location) == (text or "t", text, text)


def test_a_carriage_return_becomes_the_one_line_break_icalendar_has() -> None:
    event = replace(EVENT, description="one\r\ntwo\rthree\nfour")
    assert parse_ics(ics(event)).description == "one\ntwo\nthree\nfour"


@given(st.text(), st.text(), st.text())
def test_any_text_survives_the_round_trip(title: str, description: str, location: str) -> None:
    def normal(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    parsed = parse_ics(ics(replace(EVENT, title=title, description=description, location=location)))
    assert parsed.summary == normal(title)
    assert parsed.description == normal(description)
    assert parsed.location == normal(location)


def test_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    data = ics(replace(EVENT, description="日本語😀é" * 200))
    for line in lines(data):
        assert len(line) <= 75
        line.decode("utf-8")


def test_the_cancellation_withdraws_the_same_event() -> None:
    moved = replace(EVENT, sequence=2)
    data = ics(moved, cancel=True)
    assert b"\r\nMETHOD:CANCEL\r\n" in data and b"\r\nSTATUS:CANCELLED\r\n" in data
    parsed = parse_ics(data)
    assert (parsed.method, parsed.status) == ("CANCEL", "CANCELLED")
    assert (parsed.uid, parsed.sequence) == (EVENT.uid, 2)


def test_empty_description_and_location_are_left_out() -> None:
    data = ics(replace(EVENT, description="", location=""))
    for absent in (b"DESCRIPTION", b"LOCATION", b"URL"):
        assert absent not in data


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("https://meet.example.com/abc?x=1,2", "https://meet.example.com/abc?x=1,2"),
        ("http://zoom.example/j/123", "http://zoom.example/j/123"),
        ("Room 4.12, Canal House", None),
        ("https://meet.example.com/abc or room 4", None),
        ("ftp://files.example/x", None),
        ("https://", None),
    ],
)
def test_a_web_location_is_also_the_events_url(location: str, url: str | None) -> None:
    calendar = Calendar.from_ical(ics(replace(EVENT, location=location)))
    assert isinstance(calendar, Calendar)
    found = calendar.events[0].get("URL")
    assert (None if found is None else str(found)) == url


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"\xff\xfe\x00",
        b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261203T150000Z\r\nEND:VEVENT\r\n",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261203T150000Z\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20261203\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:nonsense\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n",
    ],
)
def test_parse_ics_refuses_anything_but_one_timed_event(data: bytes) -> None:
    with pytest.raises(ValueError):
        parse_ics(data)


def test_parse_ics_refuses_two_events() -> None:
    one = ics(EVENT)
    event = one[one.index(b"BEGIN:VEVENT") : one.index(b"END:VCALENDAR")]
    with pytest.raises(ValueError, match="exactly one VEVENT"):
        parse_ics(one.replace(b"END:VCALENDAR", event + b"END:VCALENDAR"))


# -- google_link and outlook_link --------------------------------------------------------------


def test_the_google_link_carries_the_event() -> None:
    link = google_link(EVENT)
    assert link.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
    assert query(link) == {
        "action": "TEMPLATE",
        "text": EVENT.title,
        "dates": "20261203T150000Z/20261203T154500Z",
        "details": EVENT.description,
        "location": EVENT.location,
    }


def test_the_outlook_link_carries_the_event() -> None:
    link = outlook_link(EVENT)
    assert link.startswith("https://outlook.office.com/calendar/deeplink/compose?path=")
    assert query(link) == {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": EVENT.title,
        "startdt": "2026-12-03T15:00:00Z",
        "enddt": "2026-12-03T15:45:00Z",
        "body": EVENT.description,
        "location": EVENT.location,
    }


def test_every_value_is_percent_encoded() -> None:
    event = replace(EVENT, title="a&b=c+d e/f?g#h", description=TRICKY)
    for link in (google_link(event), outlook_link(event)):
        tail = urlsplit(link).query
        assert " " not in tail and "+" not in tail and "#" not in tail and "/" not in tail
    assert query(google_link(event))["text"] == "a&b=c+d e/f?g#h"
    assert query(outlook_link(event))["body"] == TRICKY


def test_an_empty_location_is_left_out_of_both_links() -> None:
    event = replace(EVENT, location="")
    assert "location" not in query(google_link(event))
    assert "location" not in query(outlook_link(event))


@pytest.mark.parametrize("description", ["é" * 1000, "日本語" * 334, "😀" * 1000, "👩‍💻🇳🇱" * 250])
def test_a_long_non_ascii_description_is_cut_to_fit_slack(description: str) -> None:
    event = replace(EVENT, description=description)
    for link, key in ((google_link(event), "details"), (outlook_link(event), "body")):
        assert len(link) <= LINK_LIMIT
        values = query(link)
        assert values[key].endswith(ELLIPSIS) and len(values[key]) > 100
        assert description.startswith(values[key].removesuffix(ELLIPSIS))
        assert values["location"] == EVENT.location


def test_a_link_that_fits_exactly_is_not_cut() -> None:
    for make in (google_link, outlook_link):
        full = make(EVENT)
        assert make(EVENT, limit=len(full)) == full
        shorter = make(EVENT, limit=len(full) - 1)
        assert len(shorter) < len(full)
        assert any(v.endswith(ELLIPSIS) for v in query(shorter).values())


def test_the_description_goes_before_the_location_and_the_title() -> None:
    event = replace(EVENT, title="T" * 100, description="d" * 2000, location="L" * 2950)
    values = query(google_link(event))
    assert "details" not in values
    assert values["location"].endswith(ELLIPSIS)
    assert values["text"] == "T" * 100


def test_a_limit_below_the_fixed_part_is_an_error() -> None:
    with pytest.raises(ValueError):
        google_link(EVENT, limit=50)


@given(
    title=st.text(),
    description=st.text(),
    location=st.text(),
    limit=st.one_of(st.just(LINK_LIMIT), st.integers(min_value=200, max_value=LINK_LIMIT)),
)
def test_any_text_gives_links_within_the_limit_that_keep_a_prefix(
    title: str, description: str, location: str, limit: int
) -> None:
    event = replace(EVENT, title=title, description=description, location=location)
    for link, keys in (
        (google_link(event, limit), ("details", "location", "text")),
        (outlook_link(event, limit), ("body", "location", "subject")),
    ):
        assert len(link) <= limit
        values = query(link)
        originals = (description, location, title)
        for key, original in zip(keys, originals, strict=True):
            if key in values:
                assert was_cut_from(values[key], original)
        touched = [values.get(k, "") != o for k, o in zip(keys, originals, strict=True)]
        # A later text is only cut once every earlier one is gone.
        for earlier, later in ((0, 1), (0, 2), (1, 2)):
            if touched[later]:
                assert keys[earlier] not in values
