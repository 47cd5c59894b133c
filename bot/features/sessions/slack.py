"""Sessions' listeners: *Book a session* (introduction, Home, `/mentor book`), the booking
modal and its time picker, the card's *Reschedule* and *Cancel session*, its calendar links,
and `/mentor sessions`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.sessions import DEFAULT_LENGTH, LENGTHS
from bot.features.sessions import records, service
from bot.features.sessions.blocks import (
    booking_modal,
    cancel_modal,
    choose_partner_modal,
    parse_booking,
    parse_partner,
    parse_reason,
)
from bot.features.sessions.messages import booked_notice, sessions_list
from bot.kit.blocks import notice_modal
from bot.kit.ids import Action, Field, View, any_numbered
from bot.kit.payloads import BookingMeta, PairingRef, SessionRef
from bot.kit.state import selected, values_of, whole_number
from bot.kit.text import date_token, mention
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.payload import first_action
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand

NO_PARTNER = (
    "You don't have an active partner right now, so there's nothing to book. When the next "
    "matching round introduces you to someone, you can book with them here."
)


async def book_command(r: CommandRequest) -> None:
    partners = await service.active_partners(r.ctx.sessionmaker, r.actor)
    if not partners:
        await r.say(NO_PARTNER)
        return
    await r.ack()
    if len(partners) > 1:
        await r.open(choose_partner_modal(partners))
        return
    pairing_id = partners[0][0]
    b = await service.booking(r.ctx.sessionmaker, r.ctx.clock, r.actor, pairing_id)
    await r.open(booking_modal(b, BookingMeta(pairing_id=pairing_id).dump()))


async def sessions_command(r: CommandRequest) -> None:
    await r.ack()
    upcoming, recent = await records.my_sessions(r.ctx.sessionmaker, r.ctx.clock, r.actor)
    body = sessions_list(upcoming, recent, r.user_id)
    await r.respond(response_type="ephemeral", replace_original=False, **body)


COMMANDS = (
    Subcommand("book", "book a session with your partner", book_command),
    Subcommand("sessions", "your upcoming and recent sessions", sessions_command),
)


def _picked(action: dict[str, Any]) -> datetime | None:
    raw = action.get("selected_date_time")
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 10**11:
        return datetime.fromtimestamp(raw, UTC)
    return None


def register(on: Listeners) -> None:
    ctx = on.ctx

    async def open_booking(r: Request, pairing_id: int | None, session_id: int | None) -> None:
        b = await service.booking(
            ctx.sessionmaker, ctx.clock, r.actor, pairing_id, session_id=session_id
        )
        meta = BookingMeta(pairing_id=b.pairing_id, session_id=session_id).dump()
        await r.open(booking_modal(b, meta))

    @on.action(any_numbered(Action.BOOK_SESSION), title="Book a session")
    async def book(r: Request) -> None:
        await open_booking(r, r.parse(PairingRef).pairing_id, None)

    @on.action(any_numbered(Action.RESCHEDULE), title="Reschedule")
    async def reschedule(r: Request) -> None:
        await open_booking(r, None, r.parse(SessionRef).session_id)

    @on.action(any_numbered(Action.CANCEL_SESSION), title="Cancel session")
    async def cancel(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        b = await service.booking(ctx.sessionmaker, ctx.clock, r.actor, None, session_id=session_id)
        assert b.session is not None
        meta = BookingMeta(pairing_id=b.pairing_id, session_id=session_id).dump()
        await r.open(cancel_modal(b.session, r.user_id, meta))

    @on.action(Action.GOOGLE_CALENDAR)
    async def google(r: Request) -> None:
        """A link button: Slack opens the link and still sends the click, which is acked."""

    @on.action(Action.OUTLOOK_CALENDAR)
    async def outlook(r: Request) -> None:
        """As above."""

    @on.action(Field.WHEN, title="Book a session")
    async def time_picked(r: Request) -> None:
        """Once a time is picked, the modal shows it in the partner's time zone too."""
        view = r.body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("id"), str):
            return
        meta = BookingMeta.parse(view.get("private_metadata"))
        b = await service.booking(
            ctx.sessionmaker, ctx.clock, r.actor, meta.pairing_id, session_id=meta.session_id
        )
        values = values_of(view)
        minutes = whole_number(selected(values, Field.LENGTH))
        redrawn = booking_modal(
            b,
            meta.dump(),
            picked=_picked(first_action(r.body)),
            minutes=minutes if minutes in LENGTHS else DEFAULT_LENGTH,
        )
        update: dict[str, Any] = {"view_id": view["id"], "view": redrawn}
        if isinstance(view.get("hash"), str):
            update["hash"] = view["hash"]  # a newer redraw wins over this one
        await r.client.views_update(**update)

    @on.view(View.CHOOSE_PARTNER, errors_on=Field.PAIRING, title="Book a session")
    async def partner_chosen(r: ViewRequest) -> Answer:
        pairing_id = parse_partner(r.values)
        if pairing_id is None:
            return Answer.inline({Field.PAIRING: "Choose a partner."})
        b = await service.booking(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        return Answer.update(booking_modal(b, BookingMeta(pairing_id=pairing_id).dump()))

    @on.view(View.BOOK_SESSION, errors_on=Field.WHEN, title="Book a session")
    async def booked(r: ViewRequest) -> Answer:
        meta = r.meta(BookingMeta)
        form = parse_booking(r.values)
        offsets = ctx.settings.reminder_offsets
        if meta.session_id is not None:
            result = await service.reschedule(
                ctx.sessionmaker, ctx.clock, offsets, r.actor, meta.session_id, form
            )
        else:
            via = r.view_id or ""
            result = await service.book(
                ctx.sessionmaker, ctx.clock, offsets, r.actor, meta.pairing_id, form, via
            )
        if isinstance(result, dict):
            return Answer.inline(result)
        done = "Session moved" if result.rescheduled else "Session booked"
        text = booked_notice(result.info, r.user_id, result.odd, rescheduled=result.rescheduled)
        return Answer.update(notice_modal(done, text))

    @on.view(View.CANCEL_SESSION, title="Cancel session")
    async def cancelled(r: ViewRequest) -> Answer:
        meta = r.meta(BookingMeta)
        if meta.session_id is None:
            return Answer.update(notice_modal("Cancel session", "This form is out of date."))
        info = await service.cancel_session(
            ctx.sessionmaker, ctx.clock, r.actor, meta.session_id, parse_reason(r.values)
        )
        partner = info.partner_of(r.user_id).user_id
        text = (
            f"Done: your session with {mention(partner)} on "
            f"{date_token(info.starts_at, with_time=True)} is cancelled. I've told them in your "
            "group message and taken the reminders back. Book another time whenever you like."
        )
        return Answer.update(notice_modal("Session cancelled", text))
