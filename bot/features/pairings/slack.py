"""Pairings' listeners: `/mentor end`, the Home's *End this pairing…* and the end modal."""

from __future__ import annotations

from bot.features.pairings import service
from bot.features.pairings.blocks import end_pairing_modal, ended_notice, parse_pairing
from bot.kit.blocks import notice_modal
from bot.kit.ids import Action, Field, View, any_numbered
from bot.kit.payloads import ModalMeta, PairingRef
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand

NOTHING_TO_END = (
    "You don't have a partner right now, so there's nothing to end. "
    "If you want a break from the program, `/mentor pause` is there."
)


async def end(r: CommandRequest) -> None:
    mine = await service.my_pairings(r.ctx.sessionmaker, r.team_id, r.user_id)
    if not mine:
        await r.say(NOTHING_TO_END)
        return
    await r.ack()
    meta = ModalMeta(pairing_id=mine[0].id if len(mine) == 1 else None).dump()
    await r.open(end_pairing_modal(mine, meta))


COMMANDS = (Subcommand("end", "end a pairing, privately and without blame", end),)


def register(on: Listeners) -> None:
    ctx = on.ctx

    @on.action(any_numbered(Action.HOME_END_PAIRING), title="End a pairing")
    async def end_from_home(r: Request) -> None:
        ref = r.parse(PairingRef)
        mine = await service.require_member(ctx.sessionmaker, r.actor, ref.pairing_id)
        await r.open(end_pairing_modal([mine], ModalMeta(pairing_id=mine.id).dump()))

    @on.view(View.END_PAIRING, title="End a pairing")
    async def end_submitted(r: ViewRequest) -> Answer:
        meta = r.meta(ModalMeta)
        pairing_id = meta.pairing_id or parse_pairing(r.values)
        if pairing_id is None and Field.PAIRING in r.values:
            return Answer.inline({Field.PAIRING: "Choose a partner."})
        if pairing_id is None:
            stale = "This form is out of date. Close it and type `/mentor end` again."
            return Answer.update(notice_modal("End a pairing", stale))
        ended = await service.end_pairing(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        return Answer.update(notice_modal("Pairing ended", ended_notice(ended.partner_id)))
