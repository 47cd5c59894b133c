"""Nudges' listeners: a stalled pairing's *We're still on* and *Let's end it*, and a quiet
person's *Keep me in* and *Ask me later* (their *Leave the program* is the Home's Leave)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.nudges import ASK_LATER
from bot.features.joining import service as joining
from bot.features.nudges import service
from bot.features.pairings import service as pairings
from bot.features.pairings.blocks import ended_notice
from bot.kit.ids import Action
from bot.kit.payloads import PairingRef
from bot.kit.text import day, mention
from bot.platform.slack.listeners import Listeners
from bot.platform.slack.requests import Request


def register(on: Listeners) -> None:
    ctx = on.ctx

    @on.action(Action.STILL_ON, title="We're still on")
    async def still_on(r: Request) -> None:
        pairing_id = r.parse(PairingRef).pairing_id
        partner = await service.still_on(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        await r.tell(
            f":tada: Great: your pairing with {mention(partner)} is active again. "
            "*Book a session* on your Home tab or with `/mentor book`."
        )

    @on.action(Action.END_STALLED, title="End a pairing")
    async def end_it(r: Request) -> None:
        pairing_id = await service.stalled_pairing(
            ctx.sessionmaker, r.actor, r.parse(PairingRef).pairing_id
        )
        ended = await pairings.end_pairing(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        await r.tell(ended_notice(ended.partner_id))

    @on.action(Action.KEEP_ME_IN, title="Keep me in")
    async def keep(r: Request) -> None:
        await service.keep_me_in(ctx.sessionmaker, ctx.clock, r.actor)
        await r.tell(":thumbsup: You're in. Glad to have you!")

    @on.action(Action.ASK_LATER, title="Ask me later")
    async def later(r: Request) -> None:
        until = ctx.clock.now().date() + timedelta(days=ASK_LATER.days)
        await joining.pause(ctx.sessionmaker, ctx.clock, r.actor, until)
        await r.tell(
            f":double_vertical_bar: Paused until {day(until)}: nothing is sent to you meanwhile, "
            "and I'll welcome you back then."
        )
