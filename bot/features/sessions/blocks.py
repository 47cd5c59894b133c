"""The booking modal, the modal that picks a partner first, and the one that cancels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.sessions import (
    AGENDA_MAX,
    DEFAULT_LENGTH,
    LENGTHS,
    PLACE_MAX,
    REASON_MAX,
    SOMETHING_ELSE,
    Member,
    SessionInfo,
    clock_time,
    unusual_hours,
)
from bot.kit.blocks import Json, context, option, plain, section
from bot.kit.ids import Block, Field, View
from bot.kit.state import Values, element, selected, text, whole_number
from bot.kit.text import date_token, esc, mention


@dataclass(frozen=True)
class Booking:
    """What the booking modal is drawn from."""

    pairing_id: int
    me: Member
    partner: Member
    topics: tuple[str, ...]  # in common, either way round
    agenda: str  # prefilled: the first-session agenda for a first session
    session: SessionInfo | None = None  # the one being rescheduled


@dataclass(frozen=True)
class BookingForm:
    """The modal's answers, read leniently: the use case checks them."""

    starts_at: datetime | None
    minutes: int | None
    topic: str | None
    agenda: str
    place: str


def _input(field: Field, label: str, element: Json, *, optional: bool = False) -> Json:
    block: Json = {
        "type": "input",
        "block_id": field,
        "label": plain(label),
        "element": {**element, "action_id": field},
        "optional": optional,
    }
    return block


def _zones(b: Booking) -> str:
    return (
        f":globe_with_meridians: The time picker reads in *your* Slack time zone, "
        f"{esc(b.me.timezone, 64)}. {esc(b.partner.name, 80)} is in "
        f"{esc(b.partner.timezone, 64)}."
    )


def partner_time(b: Booking, start: datetime, minutes: int) -> str:
    """The line under the picker once a time is picked: that time for the partner."""
    line = (
        f":clock3: For {esc(b.partner.name, 80)} that is "
        f"*{clock_time(start, b.partner.timezone)}* ({esc(b.partner.timezone, 64)})."
    )
    odd = unusual_hours(start, minutes, [b.me.attendee(as_you=True), b.partner.attendee()])
    if odd:
        line += " Allowed, but note: " + "; ".join(esc(n, 200) for n in odd) + "."
    return line


def booking_modal(
    b: Booking, meta: str, *, picked: datetime | None = None, minutes: int | None = None
) -> Json:
    """Drawn again once a time is picked (`picked`, with the length chosen so far): block and
    action ids stay the same, so what the person typed survives the redraw."""
    s = b.session
    when: Json = {"type": "datetimepicker"}
    start = picked or (s.starts_at if s else None)
    if s is not None:
        when["initial_date_time"] = int(s.starts_at.timestamp())
    chosen = minutes or (s.minutes if s else DEFAULT_LENGTH)
    lengths = [option(f"{n} minutes", str(n)) for n in LENGTHS]
    chosen_topic = s.topic_label if s else (b.topics[0] if b.topics else SOMETHING_ELSE)
    topics = list(b.topics[:98])  # with the two below, Slack's 100 options at most
    if chosen_topic != SOMETHING_ELSE and chosen_topic not in topics:
        topics.insert(0, chosen_topic)  # a topic since retired keeps its place in this session
    topics.append(SOMETHING_ELSE)
    topic_options = [option(t, t[:150]) for t in topics]
    agenda: Json = {"type": "plain_text_input", "multiline": True, "max_length": AGENDA_MAX}
    initial_agenda = s.agenda if s else b.agenda
    if initial_agenda:
        agenda["initial_value"] = initial_agenda[:AGENDA_MAX]
    where: Json = {
        "type": "plain_text_input",
        "max_length": PLACE_MAX,
        "placeholder": plain("A video link (https://…) or a place"),
    }
    if s is not None and s.place:
        where["initial_value"] = s.place
    blocks: list[Json] = [
        section(f"With {mention(b.partner.user_id)}."),
        context(_zones(b), block_id=Block.BOOKING_ZONES),
        {
            **_input(Field.WHEN, "Date and time", when, optional=True),
            "dispatch_action": True,
        },
    ]
    if start is not None:
        blocks.append(context(partner_time(b, start, chosen), block_id=Block.BOOKING_PARTNER_TIME))
    blocks += [
        _input(
            Field.LENGTH,
            "Length",
            {
                "type": "static_select",
                "options": lengths,
                "initial_option": option(f"{chosen} minutes", str(chosen)),
            },
        ),
        _input(
            Field.TOPIC,
            "Focus topic",
            {
                "type": "static_select",
                "options": topic_options,
                "initial_option": next(o for o in topic_options if o["value"] == chosen_topic),
            },
        ),
        _input(Field.AGENDA, "Agenda", agenda, optional=True),
        _input(Field.WHERE, "Where", where, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": View.BOOK_SESSION,
        "title": plain("Reschedule session" if s else "Book a session"),
        "submit": plain("Save changes" if s else "Book"),
        "close": plain("Cancel"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def parse_booking(values: Values) -> BookingForm:
    picked = element(values, Field.WHEN).get("selected_date_time")
    starts_at = None
    if isinstance(picked, int) and not isinstance(picked, bool) and 0 < picked < 10**11:
        starts_at = datetime.fromtimestamp(picked, UTC)
    return BookingForm(
        starts_at=starts_at,
        minutes=whole_number(selected(values, Field.LENGTH)),
        topic=selected(values, Field.TOPIC),
        agenda=text(values, Field.AGENDA).strip(),
        place=text(values, Field.WHERE).strip(),
    )


def choose_partner_modal(partners: list[tuple[int, str]]) -> Json:
    """With several partners, `/mentor book` first asks which pairing (id, partner name)."""
    return {
        "type": "modal",
        "callback_id": View.CHOOSE_PARTNER,
        "title": plain("Book a session"),
        "submit": plain("Next"),
        "close": plain("Cancel"),
        "blocks": [
            _input(
                Field.PAIRING,
                "With whom?",
                {
                    "type": "static_select",
                    "placeholder": plain("Choose a partner"),
                    "options": [option(name, str(pid)) for pid, name in partners[:100]],
                },
            )
        ],
    }


def parse_partner(values: Values) -> int | None:
    return whole_number(selected(values, Field.PAIRING))


def cancel_modal(s: SessionInfo, me: str, meta: str) -> Json:
    partner = s.partner_of(me)
    return {
        "type": "modal",
        "callback_id": View.CANCEL_SESSION,
        "title": plain("Cancel session"),
        "submit": plain("Cancel session"),
        "close": plain("Keep it"),
        "private_metadata": meta,
        "blocks": [
            section(
                f"Cancel your session with {mention(partner.user_id)} on "
                f"{date_token(s.starts_at, with_time=True)}? I'll tell them in your group "
                "message and take the reminders back."
            ),
            _input(
                Field.REASON,
                f"A word for {partner.name[:60]} (optional, only they see it)",
                {"type": "plain_text_input", "multiline": True, "max_length": REASON_MAX},
                optional=True,
            ),
        ],
    }


def parse_reason(values: Values) -> str:
    return text(values, Field.REASON).strip()[:REASON_MAX]
