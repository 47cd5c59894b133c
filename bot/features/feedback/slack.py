"""Feedback's listeners: the after-session DM's buttons, the poll, and the private options
after a low rating."""

from __future__ import annotations

from bot.domain.feedback import FeedbackTiming, Met
from bot.features.feedback import service
from bot.features.feedback.blocks import parse_poll, poll_modal, thanks_modal
from bot.features.pairings import service as pairings
from bot.features.pairings.blocks import ended_notice
from bot.features.sessions import service as sessions
from bot.features.sessions.blocks import booking_modal
from bot.kit.ids import Action, View
from bot.kit.payloads import BookingMeta, PollMeta, SessionRef
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import Request, ViewRequest


def register(on: Listeners) -> None:
    ctx = on.ctx

    def timing() -> FeedbackTiming:
        return ctx.settings.feedback_timing

    async def open_poll(r: Request, session_id: int) -> None:
        found = await service.poll_of(ctx.sessionmaker, ctx.clock, timing(), r.actor, session_id)
        row = found.row if found.row.answered_at else None
        meta = PollMeta(session_id=session_id).dump()
        await r.open(poll_modal(found.info, r.user_id, found.row.side == "mentor", row, meta))

    @on.action(Action.MET_YES, title="Yes, we met")
    async def met(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        await service.answer_met(
            ctx.sessionmaker, ctx.clock, timing(), r.actor, session_id, Met.YES
        )
        await open_poll(r, session_id)

    @on.action(Action.MET_RESCHEDULE, title="Reschedule")
    async def reschedule(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        answered = await service.answer_met(
            ctx.sessionmaker, ctx.clock, timing(), r.actor, session_id, Met.RESCHEDULE
        )
        pairing_id = answered.info.pairing_id
        b = await sessions.booking(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        await r.open(booking_modal(b, BookingMeta(pairing_id=pairing_id).dump()))

    @on.action(Action.MET_NO, title="Thanks")
    async def did_not_happen(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        await service.answer_met(ctx.sessionmaker, ctx.clock, timing(), r.actor, session_id, Met.NO)

    @on.action(Action.EDIT_ANSWERS, title="How did it go?")
    async def edit(r: Request) -> None:
        await open_poll(r, r.parse(SessionRef).session_id)

    @on.view(View.POLL, title="How did it go?")
    async def answered(r: ViewRequest) -> Answer:
        session_id = r.meta(PollMeta).session_id
        result = await service.answer_poll(
            ctx.sessionmaker, ctx.clock, timing(), r.actor, session_id, parse_poll(r.values)
        )
        if isinstance(result, dict):
            return Answer.inline(result)
        return Answer.update(thanks_modal(result.info, result.row.value))

    @on.action(Action.TALK_TO_TEAM, title="Talk to the program team")
    async def talk(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        await r.tell(await service.talk_to_team(ctx.sessionmaker, ctx.clock, r.actor, session_id))

    @on.action(Action.NEW_PARTNER, title="Ask for a new partner")
    async def new_partner(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        pairing_id = await service.pairing_of(ctx.sessionmaker, r.actor, session_id)
        ended = await pairings.end_pairing(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        await r.tell(ended_notice(ended.partner_id))
