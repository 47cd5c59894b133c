"""What the pair reads about a session: the card, reminders, changes, the sessions list."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.calendar import ics, parse_ics
from bot.domain.lifecycle import SessionStatus
from bot.domain.sessions import Member, SessionInfo, unusual_hours
from bot.features.sessions import messages as msg
from bot.sandbox import BlockKitValidator
from tests.features.message_checks import (
    ESCAPED,
    NASTY,
    Message,
    all_text,
    assert_valid,
    buttons,
    texts,
    walk,
)

STAMP = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
START = datetime(2026, 1, 7, 14, 0, tzinfo=UTC)  # Wed 09:00 New York, 06:00 Los Angeles
MAYA = Member("U01MAYA", "Maya", "America/New_York", ("wed",), ("morning",))
GRACE = Member("U02GRACE", "Grace", "America/Los_Angeles")
AGENDA = "1. Introductions\n2. What Maya will show"
EVIL = "<!channel> <@U123> R&D *bold*"
DATE_TOKEN = re.compile(r"<!date\^(\d+)\^[^|>]+\|([^>]+ UTC)>")


def session(**changes: object) -> SessionInfo:
    base = SessionInfo(
        id=7,
        pairing_id=3,
        starts_at=START,
        minutes=45,
        topic="AI assistants",
        agenda=AGENDA,
        place="https://meet.example.com/abc-defg",
        status=SessionStatus.BOOKED,
        sequence=0,
        calendar_uid="session-7@flipside",
        booked_by=MAYA.user_id,
        mentor=MAYA,
        leader=GRACE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def action_ids(message: Message) -> list[str]:
    return [n["action_id"] for n in walk(message["blocks"]) if "action_id" in n]


def assert_no_raw_mentions(message: Message) -> None:
    for text in texts(message):
        assert "<!channel>" not in text and "<@U123>" not in text
        assert all(m.startswith("<!date^") for m in re.findall(r"<!\S*", text))


# --- The card ------------------------------------------------------------------------------


def test_the_booked_card(validator: BlockKitValidator) -> None:
    card = msg.card(session(), STAMP)
    assert_valid(validator, card)
    token = DATE_TOKEN.search(all_text(card))
    assert token is not None and int(token[1]) == int(START.timestamp())
    assert token[2] == "Wednesday 7 January 2026 14:00 UTC"
    assert card["text"] == "Session booked: Wed 07 Jan 2026, 14:00 UTC, 45 min"
    labels = [b["text"]["text"] for b in buttons(card)]
    assert labels == [
        "Reschedule",
        "Cancel session",
        "Log notes",
        "Topic kit",
        "Add to Google Calendar",
        "Add to Outlook",
    ]
    assert len(action_ids(card)) == len(set(action_ids(card)))
    text = all_text(card)
    assert "AI assistants" in text and "2. What Maya will show" in text and "<@U01MAYA>" in text
    assert "<https://meet.example.com/abc-defg|https://meet.example.com/abc-defg>" in text
    assert msg.CARD_FOOTER in text


def test_the_cancelled_card(validator: BlockKitValidator) -> None:
    card = msg.card(session(status=SessionStatus.CANCELLED, cancelled_by=GRACE.user_id), STAMP)
    assert_valid(validator, card)
    assert card["text"].startswith("Session cancelled:")
    assert "Session cancelled* by <@U02GRACE>" in all_text(card)
    assert [b["text"]["text"] for b in buttons(card)] == ["Book a session"]
    assert not any("url" in b for b in buttons(card))
    nobody = msg.card(session(status=SessionStatus.CANCELLED), STAMP)
    assert_valid(validator, nobody)
    assert " by <@" not in all_text(nobody)


@pytest.mark.parametrize(
    "place", [("Ünïcødé Raum " * 30)[:300], ("https://meet.example.com/" + "ä" * 300)[:300]]
)
def test_calendar_links_fit_slack_even_with_long_non_ascii_text(
    validator: BlockKitValidator, place: str
) -> None:
    s = session(agenda=("Überblick → 日本語 ✓ <&> " * 60)[:1000], place=place)
    assert len(s.agenda) == 1000 and len(s.place) == 300
    card = msg.card(s, STAMP)
    assert_valid(validator, card)
    urls = [b["url"] for b in buttons(card) if "url" in b]
    assert len(urls) == 2 and all(len(u) <= 3000 for u in urls)
    assert urls[0].startswith("https://calendar.google.com/")
    assert urls[1].startswith("https://outlook.office.com/")


def test_user_text_is_escaped_everywhere(validator: BlockKitValidator) -> None:
    s = session(topic=EVIL, agenda=EVIL, place=EVIL)
    bodies = [
        msg.card(s, STAMP),
        msg.reminder(s, timedelta(hours=1)),
        msg.reminder(s, timedelta(hours=24)),
        msg.sessions_list([s], [s], MAYA.user_id),
    ]
    for body in bodies:
        assert_valid(validator, body)
        assert_no_raw_mentions(body)
    shown = all_text(bodies[0])
    assert "&lt;!channel&gt; &lt;@U123&gt; R&amp;D" in shown
    assert "*bold*" in shown  # mrkdwn has no escape for formatting: shown as typed


def test_a_link_place_is_a_link_and_anything_else_text(validator: BlockKitValidator) -> None:
    text = all_text(msg.card(session(place="Room 4.12, 3rd floor"), STAMP))
    assert "*Where:* Room 4.12, 3rd floor" in text
    link = all_text(msg.card(session(place="https://x.y/a?b=1&c=<d>|e"), STAMP))
    assert "<https://x.y/a?b=1&amp;c=%3Cd%3E%7Ce|https://x.y/a?b=1&amp;c=&lt;d&gt;|e>" in link
    unset = all_text(msg.card(session(place=""), STAMP))
    assert "_not set yet: agree it here_" in unset


def test_the_calendar_event_reads_back_from_its_file() -> None:
    s = session(topic="", sequence=2)
    parsed = parse_ics(ics(msg.event(s, STAMP)))
    assert (parsed.uid, parsed.sequence) == ("session-7@flipside", 2)
    assert parsed.starts_at == START and parsed.ends_at == START + timedelta(minutes=45)
    assert parsed.summary == "Flipside session: Maya & Grace"
    assert parsed.description.startswith("Focus: Something else\n\nAgenda:\n1. Introductions")
    assert parsed.location == s.place
    assert "remove" in msg.calendar_comment(s, cancel=True)
    assert "Calendar file" in msg.calendar_comment(s)


# --- Reminders and changes -----------------------------------------------------------------


def test_only_the_last_reminder_repeats_the_agenda(validator: BlockKitValidator) -> None:
    early = msg.reminder(session(), timedelta(hours=24))
    last = msg.reminder(session(), timedelta(hours=1))
    for body in (early, last):
        assert_valid(validator, body)
        assert body["text"] == "Reminder: your Flipside session, Wed 07 Jan 2026, 14:00 UTC, 45 min"
        assert [b["text"]["text"] for b in buttons(body)] == ["Reschedule", "Cancel session"]
    assert "Introductions" not in all_text(early)
    assert "*Agenda*\n1. Introductions" in all_text(last)
    assert "https://meet.example.com/abc-defg" in all_text(last)


def test_moved_and_details(validator: BlockKitValidator) -> None:
    moved = msg.moved(session(), GRACE.user_id)
    details = msg.details(session(), GRACE.user_id)
    for body in (moved, details):
        assert_valid(validator, body)
        assert "<@U02GRACE>" in all_text(body) and DATE_TOKEN.search(all_text(body))
    assert moved["text"] == "Session moved to Wed 07 Jan 2026, 14:00 UTC, 45 min"
    assert "delete that entry" in all_text(moved)
    assert details["text"].startswith("Session details updated:")


def test_cancelled_with_and_without_someone(validator: BlockKitValidator) -> None:
    by = msg.cancelled(session(), MAYA.user_id)
    auto = msg.cancelled(session(), None, " because your partner has left the program")
    for body in (by, auto):
        assert_valid(validator, body)
        assert body["text"] == "Session cancelled: Wed 07 Jan 2026, 14:00 UTC, 45 min"
    assert "<@U01MAYA> cancelled your session" in all_text(by)
    assert "I cancelled your session" in all_text(auto) and "<@" not in all_text(auto)
    assert "UTC> because your partner has left the program." in all_text(auto)


def test_the_reason_is_quoted_and_escaped(validator: BlockKitValidator) -> None:
    body = msg.reason_for_partner(session(), MAYA.user_id, f"Sorry!\n{EVIL}\n{NASTY}")
    assert_valid(validator, body)
    assert_no_raw_mentions(body)
    text = all_text(body)
    assert "> Sorry!\n> &lt;!channel&gt; &lt;@U123&gt; R&amp;D *bold*\n> " + ESCAPED in text
    assert "only you see this" in text and "<@U01MAYA> cancelled" in text
    long = msg.reason_for_partner(session(), MAYA.user_id, "<!channel>" * 100)
    assert_valid(validator, long)
    assert_no_raw_mentions(long)
    assert_valid(validator, msg.reason_for_partner(session(), MAYA.user_id, ""))


# --- The booked notice ---------------------------------------------------------------------


def test_booked_notice_says_what_happened_and_what_is_odd() -> None:
    s = session()
    odd = unusual_hours(s.starts_at, s.minutes, [MAYA.attendee(as_you=True), GRACE.attendee()])
    assert odd == ["that is 06:00 for Grace"]
    booked = msg.booked_notice(s, MAYA.user_id, odd, rescheduled=False)
    assert booked.startswith(":white_check_mark: *Booked:* your session with <@U02GRACE>")
    assert "reminders will follow" in booked and "that is 06:00 for Grace." in booked
    moved = msg.booked_notice(s, GRACE.user_id, [], rescheduled=True)
    assert "*Moved:* your session with <@U01MAYA>" in moved and "reminders moved" in moved
    assert "Just so you know" not in moved


def test_booked_notice_escapes_the_names_in_its_notes() -> None:
    s = session(leader=replace(GRACE, name=NASTY))
    odd = unusual_hours(s.starts_at, s.minutes, [s.leader.attendee()])
    assert ESCAPED in msg.booked_notice(s, MAYA.user_id, odd, rescheduled=False)


# --- The sessions list ---------------------------------------------------------------------


def test_no_sessions_yet(validator: BlockKitValidator) -> None:
    body = msg.sessions_list([], [], MAYA.user_id)
    assert_valid(validator, body)
    assert "no sessions yet" in all_text(body) and "`/mentor book`" in all_text(body)


def test_one_upcoming_session(validator: BlockKitValidator) -> None:
    body = msg.sessions_list([session()], [], MAYA.user_id)
    assert_valid(validator, body)
    assert body["text"] == "Your sessions: 1 upcoming"
    assert "*Upcoming (1)*" in all_text(body) and "with <@U02GRACE> · AI assistants" in all_text(
        body
    )
    assert [b["text"]["text"] for b in buttons(body)] == ["Reschedule", "Cancel session"]
    assert "<@U01MAYA>" in all_text(msg.sessions_list([session()], [], GRACE.user_id))


def test_many_upcoming_sessions_are_cut_with_a_count(validator: BlockKitValidator) -> None:
    many = [
        session(id=100 + i, starts_at=START + timedelta(days=i), topic=NASTY) for i in range(15)
    ]
    past = [
        session(id=i, starts_at=START - timedelta(days=i), status=SessionStatus.CANCELLED)
        for i in range(1, 8)
    ]
    body = msg.sessions_list(many, past, MAYA.user_id)
    assert_valid(validator, body)
    assert len(body["blocks"]) <= 50
    assert len(action_ids(body)) == len(set(action_ids(body))) == 20
    text = all_text(body)
    assert "*Upcoming (15)*" in text and "…and 5 more sessions." in text
    assert "*Recent*" in text and text.count("(cancelled)") == 5
    assert ESCAPED in text and NASTY not in text


def test_only_recent_sessions(validator: BlockKitValidator) -> None:
    body = msg.sessions_list([], [session(status=SessionStatus.HELD)], MAYA.user_id)
    assert_valid(validator, body)
    assert "Nothing booked" in all_text(body) and "*Recent*" in all_text(body)
    assert buttons(body) == []
