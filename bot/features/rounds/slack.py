"""Matching rounds' listeners: `/mentor admin match`, the Home's *Run a matching round*, and the
admin's buttons on a proposal (Approve, Recompute, Discard, Drop).

Ids in a button's value are only hints: every use case checks that the clicking person is a
program admin and that the round belongs to their workspace before anything changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from bot.features.program.service import is_admin
from bot.features.rounds import proposals, service
from bot.features.rounds.blocks import DROP_PAIR_ACTION, proposal_computing, proposal_message
from bot.kit.blocks import notice_modal
from bot.kit.ids import Action
from bot.kit.payloads import PairRef, RoundRef
from bot.platform.actor import Actor
from bot.platform.clock import Clock
from bot.platform.context import AppContext
from bot.platform.db.engine import SessionMaker
from bot.platform.outbox import enqueue_home
from bot.platform.slack.listeners import Listeners
from bot.platform.slack.requests import CommandRequest, Request
from bot.platform.slack.router import Subcommand

Decide = Callable[[SessionMaker, Clock, Actor, int], Awaitable[proposals.Decision]]


def compute_later(ctx: AppContext, round_id: int, *, refresh_home_of: Actor | None = None) -> None:
    """Compute the round after the answer; the admin's Home shows the new round once done."""

    async def compute() -> None:
        await service.compute_round(
            ctx.sessionmaker, ctx.clock, round_id, ctx.owner, ctx.settings.match_weights
        )
        if refresh_home_of is not None:
            async with ctx.sessionmaker() as session, session.begin():
                now = ctx.clock.now()
                await enqueue_home(session, refresh_home_of.team_id, refresh_home_of.user_id, now)

    ctx.spawn(compute())


async def match(r: CommandRequest) -> None:
    """Checked before the ack (a refusal or the "computing" line is the ack's own answer)."""
    round_id, where = await service.request_round(
        r.ctx.sessionmaker, r.ctx.clock, r.actor, r.ctx.owner
    )
    await r.ack(text=proposal_computing(where), response_type="ephemeral")
    compute_later(r.ctx, round_id)


COMMANDS = (Subcommand("admin match", "run a matching round and review the proposal", match, True),)


def register(on: Listeners) -> None:
    ctx = on.ctx

    async def show(r: Request, decision: proposals.Decision) -> None:
        body = proposal_message(decision.view)
        if r.respond is not None:
            await r.respond(replace_original=True, text=body["text"], blocks=body["blocks"])
        if decision.notice:
            await r.tell(decision.notice)

    def decision_button(decide: Decide) -> Callable[[Request], Awaitable[None]]:
        async def clicked(r: Request) -> None:
            ref = r.parse(RoundRef)
            await show(r, await decide(ctx.sessionmaker, ctx.clock, r.actor, ref.round_id))

        return clicked

    on.action(Action.ROUND_APPROVE)(decision_button(proposals.approve))
    on.action(Action.ROUND_DISCARD)(decision_button(proposals.discard))

    @on.action(DROP_PAIR_ACTION)
    async def drop_pair(r: Request) -> None:
        ref = r.parse(PairRef)
        decision = await proposals.drop_pair(
            ctx.sessionmaker, ctx.clock, r.actor, ref.round_id, ref.index
        )
        await show(r, decision)

    @on.action(Action.ROUND_RECOMPUTE)
    async def recompute(r: Request) -> None:
        old = r.parse(RoundRef).round_id
        new = await service.recompute(ctx.sessionmaker, ctx.clock, r.actor, old, ctx.owner)
        view = await proposals.show(ctx.sessionmaker, ctx.clock, r.actor, old)
        note = f"Recomputing as round #{new}: the fresh proposal will be posted here shortly."
        replaced = dataclasses.replace(view, state="superseded", note=note)
        await show(r, proposals.Decision(True, replaced))
        compute_later(ctx, new)

    @on.action(Action.HOME_MATCH, title="Matching round")
    async def match_from_home(r: Request) -> None:
        if not await is_admin(ctx.sessionmaker, r.actor):
            await r.tell(proposals.ADMINS_ONLY)
            return
        round_id, where = await service.request_round(
            ctx.sessionmaker, ctx.clock, r.actor, ctx.owner
        )
        await r.open(notice_modal("Matching round", proposal_computing(where)))
        compute_later(ctx, round_id, refresh_home_of=r.actor)
