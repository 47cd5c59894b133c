"""Cycles' listeners: the check-in's three answers (and, after *Not a good fit*, the private
options), the survey, and the pair's *Another cycle* / *Wrap up*."""

from __future__ import annotations

from bot.domain.cycles import CheckIn
from bot.features.cycles import service
from bot.features.cycles.blocks import parse_survey, survey_modal
from bot.features.cycles.messages import not_a_good_fit
from bot.features.pairings import service as pairings
from bot.features.pairings.blocks import ended_notice
from bot.kit.blocks import notice_modal
from bot.kit.ids import Action, View
from bot.kit.payloads import CycleRef, PairingRef
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import Request, ViewRequest

THANKS = {
    CheckIn.GOING_WELL: ":tada: Lovely to hear. Keep it up!",
    CheckIn.OK: ":thumbsup: Thanks. A topic kit (`/mentor kit`) can give the next session a lift.",
}


def register(on: Listeners) -> None:
    ctx = on.ctx

    async def answered(r: Request, answer: CheckIn) -> None:
        ref = r.parse(CycleRef)
        await service.check_in(
            ctx.sessionmaker, ctx.clock, r.actor, ref.pairing_id, ref.cycle, answer
        )
        if answer == CheckIn.NOT_A_GOOD_FIT and r.respond is not None:
            blocks = not_a_good_fit(ref.pairing_id)
            await r.respond(
                text="Thanks for saying so",
                blocks=blocks,
                replace_original=False,
                response_type="ephemeral",
            )
            return
        await r.tell(THANKS.get(answer, "Thanks!"))

    @on.action(Action.CHECK_IN_WELL, title="Check-in")
    async def well(r: Request) -> None:
        await answered(r, CheckIn.GOING_WELL)

    @on.action(Action.CHECK_IN_OK, title="Check-in")
    async def ok(r: Request) -> None:
        await answered(r, CheckIn.OK)

    @on.action(Action.CHECK_IN_NOT_FIT, title="Check-in")
    async def not_fit(r: Request) -> None:
        await answered(r, CheckIn.NOT_A_GOOD_FIT)

    @on.action(Action.CYCLE_TALK, title="Talk to the program team")
    async def talk(r: Request) -> None:
        pairing_id = r.parse(PairingRef).pairing_id
        await r.tell(await service.talk(ctx.sessionmaker, ctx.clock, r.actor, pairing_id))

    @on.action(Action.CYCLE_NEW_PARTNER, title="Ask for a new partner")
    async def new_partner(r: Request) -> None:
        pairing_id = r.parse(PairingRef).pairing_id
        ended = await pairings.end_pairing(ctx.sessionmaker, ctx.clock, r.actor, pairing_id)
        await r.tell(ended_notice(ended.partner_id))

    @on.action(Action.CYCLE_SURVEY, title="End of cycle")
    async def survey(r: Request) -> None:
        await r.open(survey_modal(r.parse(CycleRef).dump()))

    @on.view(View.CYCLE_SURVEY, title="End of cycle")
    async def surveyed(r: ViewRequest) -> Answer:
        ref = CycleRef.parse(r.raw_meta)
        errors = await service.save_survey(
            ctx.sessionmaker, ctx.clock, r.actor, ref.pairing_id, ref.cycle, parse_survey(r.values)
        )
        if errors:
            return Answer.inline(errors)
        return Answer.update(notice_modal("Thank you", "Thank you! Your answers stay private."))

    @on.action(Action.ANOTHER_CYCLE, title="Another cycle")
    async def another(r: Request) -> None:
        ref = r.parse(CycleRef)
        await service.another_cycle(ctx.sessionmaker, ctx.clock, r.actor, ref.pairing_id, ref.cycle)

    @on.action(Action.WRAP_UP, title="Wrap up")
    async def wrap(r: Request) -> None:
        ref = r.parse(CycleRef)
        await service.wrap_up(ctx.sessionmaker, ctx.clock, r.actor, ref.pairing_id, ref.cycle)
