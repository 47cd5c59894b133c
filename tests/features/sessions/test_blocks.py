"""The booking modal, the partner chooser and the cancel modal, and reading them back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.lifecycle import SessionStatus
from bot.domain.sessions import SOMETHING_ELSE, Member, SessionInfo, first_session_agenda
from bot.features.sessions.blocks import (
    Booking,
    BookingForm,
    booking_modal,
    cancel_modal,
    choose_partner_modal,
    parse_booking,
    parse_partner,
    parse_reason,
)
from bot.kit.ids import Block, Field, View
from bot.kit.state import Values, values_of
from bot.sandbox import BlockKitValidator
from tests.features.message_checks import ESCAPED, NASTY, walk

Json = dict[str, Any]
START = datetime(2026, 1, 7, 14, 0, tzinfo=UTC)  # Wed 09:00 New York, 06:00 Los Angeles
MAYA = Member("U01MAYA", "Maya", "America/New_York")
GRACE = Member("U02GRACE", "Grace", "America/Los_Angeles")
TOPICS = ("AI assistants", "Data literacy")
SESSION = SessionInfo(
    id=7,
    pairing_id=3,
    starts_at=START,
    minutes=60,
    topic="Data literacy",
    agenda="Walk through a notebook",
    place="https://meet.example.com/abc",
    status=SessionStatus.BOOKED,
    sequence=1,
    calendar_uid="session-7@flipside",
    booked_by=MAYA.user_id,
    mentor=MAYA,
    leader=GRACE,
)
FIRST = Booking(3, MAYA, GRACE, TOPICS, first_session_agenda("Maya", "Grace"))
AGAIN = replace(FIRST, agenda="", session=SESSION)


def block(view: Json, block_id: str) -> Json:
    found = [b for b in view["blocks"] if b.get("block_id") == block_id]
    assert len(found) == 1, block_id
    one: Json = found[0]
    return one


def ids(view: Json) -> list[tuple[str, str]]:
    return [(b["block_id"], b["element"]["action_id"]) for b in view["blocks"] if "element" in b]


def assert_modal(validator: BlockKitValidator, view: Json) -> None:
    assert validator.check_view(view) == []
    for key in ("title", "submit", "close"):
        assert len(view[key]["text"]) <= 24


# --- The booking modal ---------------------------------------------------------------------


def test_a_first_booking(validator: BlockKitValidator) -> None:
    view = booking_modal(FIRST, "meta")
    assert_modal(validator, view)
    assert view["callback_id"] == View.BOOK_SESSION and view["private_metadata"] == "meta"
    assert (view["title"]["text"], view["submit"]["text"]) == ("Book a session", "Book")
    assert block(view, Field.AGENDA)["element"]["initial_value"] == FIRST.agenda
    assert "initial_date_time" not in block(view, Field.WHEN)["element"]
    assert block(view, Field.LENGTH)["element"]["initial_option"]["value"] == "45"
    topic = block(view, Field.TOPIC)["element"]
    assert [o["value"] for o in topic["options"]] == [*TOPICS, SOMETHING_ELSE]
    assert topic["initial_option"]["value"] == TOPICS[0]
    assert "initial_value" not in block(view, Field.WHERE)["element"]
    assert all(b.get("block_id") != Block.BOOKING_PARTNER_TIME for b in view["blocks"])
    zones = block(view, Block.BOOKING_ZONES)["elements"][0]["text"]
    assert "America/New_York" in zones and "Grace is in America/Los_Angeles" in zones


def test_the_when_input_is_optional_and_dispatches() -> None:
    when = block(booking_modal(FIRST, "m"), Field.WHEN)
    assert when["type"] == "input" and when["optional"] is True
    assert when["dispatch_action"] is True and when["element"]["type"] == "datetimepicker"


def test_a_reschedule(validator: BlockKitValidator) -> None:
    view = booking_modal(AGAIN, "meta")
    assert_modal(validator, view)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Reschedule session", "Save changes")
    assert block(view, Field.WHEN)["element"]["initial_date_time"] == int(START.timestamp())
    assert block(view, Field.LENGTH)["element"]["initial_option"]["value"] == "60"
    assert block(view, Field.TOPIC)["element"]["initial_option"]["value"] == "Data literacy"
    assert block(view, Field.AGENDA)["element"]["initial_value"] == SESSION.agenda
    assert block(view, Field.WHERE)["element"]["initial_value"] == SESSION.place
    note = block(view, Block.BOOKING_PARTNER_TIME)["elements"][0]["text"]
    assert "Wed 7 Jan, 06:00" in note  # the session's own time, for the partner


@pytest.mark.parametrize(("topic", "label"), [("Retired topic", "Retired topic"), ("", "")])
def test_a_topic_no_longer_in_common_keeps_its_place(
    validator: BlockKitValidator, topic: str, label: str
) -> None:
    view = booking_modal(replace(AGAIN, session=replace(SESSION, topic=topic)), "m")
    assert_modal(validator, view)
    select = block(view, Field.TOPIC)["element"]
    chosen = label or SOMETHING_ELSE
    assert select["initial_option"]["value"] == chosen
    assert [o["value"] for o in select["options"]].count(chosen) == 1


@pytest.mark.parametrize("booking", [FIRST, AGAIN], ids=["first", "reschedule"])
def test_a_picked_time_shows_for_the_partner(
    validator: BlockKitValidator, booking: Booking
) -> None:
    picked = datetime(2026, 1, 8, 2, 0, tzinfo=UTC)  # 21:00 New York, 18:00 Los Angeles
    view = booking_modal(booking, "m", picked=picked, minutes=30)
    assert_modal(validator, view)
    note = block(view, Block.BOOKING_PARTNER_TIME)
    assert note["type"] == "context"
    text = note["elements"][0]["text"]
    assert "For Grace that is *Wed 7 Jan, 18:00* (America/Los_Angeles)" in text
    assert "Allowed, but note: that is 21:00 for you" in text


def test_the_redraw_keeps_every_id_so_typed_values_survive(validator: BlockKitValidator) -> None:
    for booking in (FIRST, AGAIN):
        first = booking_modal(booking, "m")
        redrawn = booking_modal(booking, "m", picked=START, minutes=60)
        assert_modal(validator, redrawn)
        assert ids(first) == ids(redrawn)
        before = [b.get("block_id") for b in first["blocks"]]
        after = [b.get("block_id") for b in redrawn["blocks"]]
        assert [b for b in after if b != Block.BOOKING_PARTNER_TIME] == [
            b for b in before if b != Block.BOOKING_PARTNER_TIME
        ]
        assert [n["action_id"] for n in walk(first) if "action_id" in n] == [
            n["action_id"] for n in walk(redrawn) if "action_id" in n
        ]


def test_names_in_the_modal_are_escaped(validator: BlockKitValidator) -> None:
    nasty = replace(GRACE, name=NASTY, timezone="Mars/Olympus")
    view = booking_modal(replace(FIRST, partner=nasty), "m", picked=START)
    assert_modal(validator, view)
    note = block(view, Block.BOOKING_PARTNER_TIME)["elements"][0]["text"]
    assert f"For {ESCAPED} that is *Wed 7 Jan, 14:00*" in note and NASTY not in note


def test_a_hundred_common_topics_still_offer_something_else(validator: BlockKitValidator) -> None:
    hundred = tuple(f"Topic {i}" for i in range(100))
    view = booking_modal(replace(AGAIN, topics=hundred, session=replace(SESSION, topic="")), "m")
    assert_modal(validator, view)
    assert SOMETHING_ELSE in [o["value"] for o in block(view, Field.TOPIC)["element"]["options"]]


# --- Reading the booking back ----------------------------------------------------------------


def values(
    when: object = None, length: str = "45", topic: str = "AI assistants", **texts: str
) -> Values:
    state: Values = {
        Field.WHEN: {Field.WHEN: {"type": "datetimepicker", "selected_date_time": when}},
        Field.LENGTH: {Field.LENGTH: {"selected_option": {"value": length}}},
        Field.TOPIC: {Field.TOPIC: {"selected_option": {"value": topic}}},
    }
    for field, value in texts.items():
        state[field] = {field: {"type": "plain_text_input", "value": value}}
    return state


def test_parse_booking_reads_every_answer() -> None:
    form = parse_booking(values(int(START.timestamp()), agenda=" Plan \n", where=" https://x.y "))
    assert form == BookingForm(START, 45, "AI assistants", "Plan", "https://x.y")
    assert form.starts_at is not None and form.starts_at.tzinfo is UTC


@pytest.mark.parametrize(
    "when", [True, False, "1767794400", -5, 0, 10**11, 10**20, 1767794400.0, None, [1], {}]
)
def test_an_odd_picked_time_reads_as_none(when: object) -> None:
    assert parse_booking(values(when)).starts_at is None


def test_missing_answers_read_as_empty() -> None:
    assert parse_booking({}) == BookingForm(None, None, None, "", "")
    assert parse_booking(values(length="forty")).minutes is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [*Field, "selected_date_time", "selected_option", "value", "type", ""]
) | st.text(max_size=6)
ELEMENT = st.dictionaries(KEYS, JSON | st.dictionaries(KEYS, JSON, max_size=3), max_size=4)


@given(st.dictionaries(KEYS, st.dictionaries(KEYS, JSON | ELEMENT, max_size=3), max_size=6))
def test_parse_booking_never_raises_on_any_values(raw: Values) -> None:
    form = parse_booking(raw)
    assert isinstance(form.agenda, str) and isinstance(form.place, str)
    assert form.starts_at is None or form.starts_at.tzinfo is UTC


@given(JSON | st.dictionaries(KEYS, JSON, max_size=4))
def test_parse_booking_never_raises_on_any_view_state(raw: object) -> None:
    parse_booking(values_of({"state": {"values": raw}}))
    parse_booking(values_of({"state": raw}))


# --- Choosing a partner, cancelling ----------------------------------------------------------


def test_choose_partner_round_trip(validator: BlockKitValidator) -> None:
    view = choose_partner_modal([(3, "Grace"), (4, NASTY), (5, "x" * 100)])
    assert_modal(validator, view)
    assert view["callback_id"] == View.CHOOSE_PARTNER
    options = block(view, Field.PAIRING)["element"]["options"]
    assert [o["value"] for o in options] == ["3", "4", "5"]
    for option in options:
        chosen: Values = {Field.PAIRING: {Field.PAIRING: {"selected_option": option}}}
        assert parse_partner(chosen) == int(option["value"])
    assert parse_partner({}) is None
    assert (
        parse_partner({Field.PAIRING: {Field.PAIRING: {"selected_option": {"value": "-1"}}}})
        is None
    )


def test_cancel_round_trip(validator: BlockKitValidator) -> None:
    view = cancel_modal(SESSION, MAYA.user_id, "meta")
    assert_modal(validator, view)
    assert view["callback_id"] == View.CANCEL_SESSION and view["private_metadata"] == "meta"
    assert "<@U02GRACE>" in view["blocks"][0]["text"]["text"]
    reason = block(view, Field.REASON)
    assert reason["optional"] is True and "A word for Grace" in reason["label"]["text"]
    assert reason["element"]["max_length"] == 500
    typed: Values = {Field.REASON: {Field.REASON: {"value": "  Sorry, ill today.  "}}}
    assert parse_reason(typed) == "Sorry, ill today."
    assert parse_reason({Field.REASON: {Field.REASON: {"value": "r" * 900}}}) == "r" * 500
    assert parse_reason({}) == ""
    long_name = cancel_modal(replace(SESSION, leader=replace(GRACE, name="G" * 200)), "U01MAYA", "")
    assert_modal(validator, long_name)
