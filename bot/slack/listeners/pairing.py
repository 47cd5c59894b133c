"""Matching rounds (the admin's proposal buttons) and pairs (Book, End).

Ids in a button's `value` or a modal's metadata are only hints: every handler checks that the
clicking user may act on that round or pairing before anything changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.db.engine import SessionMaker
from bot.messages import proposal as msg
from bot.messages.introductions import book_session_placeholder
from bot.services import pairings, proposals, rounds
from bot.services.errors import UserFacingError
from bot.services.program import ProgramConfig, load_program
from bot.slack.context import AppContext
from bot.slack.ids import Action, Field, View
from bot.slack.metadata import ModalMeta, TamperedMetadata, parse_meta
from bot.slack.people import is_program_admin
from bot.slack.surfaces import publish_home, team_of, user_of
from bot.slack.ui.help import notice_modal
from bot.slack.ui.pairing_modal import end_pairing_modal, ended_notice, parse_pairing

Decide = Callable[[SessionMaker, Clock, str, int, str], Awaitable[proposals.Decision]]
Listener = Callable[[AsyncAck, dict[str, Any], AsyncWebClient, AsyncRespond], Awaitable[None]]
ADMINS_ONLY = "Sorry, only the program team can decide on matching rounds."


def _action_value(body: dict[str, Any]) -> str:
    action = (body.get("actions") or [{}])[0]
    return str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 12:
        raise UserFacingError("That button doesn't look right. Open the message again and retry.")
    return int(text)


def where_to_post(program: ProgramConfig, admin_user_id: str) -> tuple[str, str]:
    """(channel, mrkdwn name): the admin channel, or the admin's own DM with the bot."""
    if program.admin_channel_id:
        return program.admin_channel_id, f"<#{program.admin_channel_id}>"
    return admin_user_id, "our direct messages"


async def start_round(
    client: AsyncWebClient, ctx: AppContext, team_id: str, admin_user_id: str
) -> tuple[int, str]:
    """Open a round for an admin; returns its id and where the proposal will be posted."""
    program = await load_program(ctx.sessionmaker, ctx.clock, team_id)
    post_to, where = where_to_post(program, admin_user_id)
    round_id = await rounds.request_round(
        ctx.sessionmaker, ctx.clock, team_id, admin_user_id, post_to, ctx.owner
    )
    return round_id, where


def register(app: AsyncApp, ctx: AppContext) -> None:
    async def admin_click(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> tuple[str, str] | None:
        """Ack a click on a proposal; (team, user) when a program admin made it, else a
        polite refusal and None."""
        await ack()
        team_id, user_id = team_of(body), user_of(body)
        program = await load_program(ctx.sessionmaker, ctx.clock, team_id)
        if await is_program_admin(client, program, user_id):
            return team_id, user_id
        await respond(text=ADMINS_ONLY, response_type="ephemeral", replace_original=False)
        return None

    async def show(respond: AsyncRespond, decision: proposals.Decision) -> None:
        body = msg.proposal_message(decision.view)
        await respond(replace_original=True, text=body["text"], blocks=body["blocks"])
        if decision.notice:
            await respond(text=decision.notice, response_type="ephemeral", replace_original=False)

    def decision_button(decide: Decide) -> Listener:
        """Approve and Discard: an admin's click, the round id from the button, one decision."""

        async def clicked(
            ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
        ) -> None:
            if (admin := await admin_click(ack, body, client, respond)) is None:
                return
            team_id, user_id = admin
            round_id = _number(_action_value(body))
            await show(
                respond, await decide(ctx.sessionmaker, ctx.clock, team_id, round_id, user_id)
            )

        return clicked

    app.action(Action.ROUND_APPROVE)(decision_button(proposals.approve))
    app.action(Action.ROUND_DISCARD)(decision_button(proposals.discard))

    @app.action(msg.DROP_PAIR_ACTION)
    async def drop_pair(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        if (admin := await admin_click(ack, body, client, respond)) is None:
            return
        team_id, user_id = admin
        round_text, _, index_text = _action_value(body).partition(":")
        round_id, index = _number(round_text), _number(index_text)
        decision = await proposals.drop_pair(ctx.sessionmaker, ctx.clock, team_id, round_id, index)
        await show(respond, decision)

    @app.action(Action.ROUND_RECOMPUTE)
    async def recompute(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        if (admin := await admin_click(ack, body, client, respond)) is None:
            return
        team_id, user_id = admin
        old = _number(_action_value(body))
        new = await rounds.recompute(ctx.sessionmaker, ctx.clock, team_id, old, user_id, ctx.owner)
        view = await proposals.show(ctx.sessionmaker, ctx.clock, team_id, old)
        note = f"Recomputing as round #{new}: the fresh proposal will be posted here shortly."
        await show(
            respond,
            proposals.Decision(True, dataclasses.replace(view, state="superseded", note=note)),
        )
        ctx.spawn(
            rounds.compute_round(
                ctx.sessionmaker, ctx.clock, new, ctx.owner, ctx.settings.match_weights
            )
        )

    @app.action(Action.HOME_MATCH)
    async def match_from_home(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team_id, user_id = team_of(body), user_of(body)
        program = await load_program(ctx.sessionmaker, ctx.clock, team_id)
        if not await is_program_admin(client, program, user_id):
            view = notice_modal("Matching round", ADMINS_ONLY)
            await client.views_open(trigger_id=body["trigger_id"], view=view)
            return
        try:
            round_id, where = await start_round(client, ctx, team_id, user_id)
        except UserFacingError as exc:
            await client.views_open(
                trigger_id=body["trigger_id"], view=notice_modal("Matching round", str(exc))
            )
            return
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=notice_modal("Matching round", msg.proposal_computing(where)),
        )

        async def compute_then_show() -> None:
            await rounds.compute_round(
                ctx.sessionmaker, ctx.clock, round_id, ctx.owner, ctx.settings.match_weights
            )
            await publish_home(client, ctx, team_id, user_id)

        ctx.spawn(compute_then_show())

    @app.action(Action.BOOK_SESSION)
    async def book(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        team_id, user_id = team_of(body), user_of(body)
        try:
            await pairings.pairing_for(
                ctx.sessionmaker, team_id, user_id, _number(_action_value(body))
            )
        except UserFacingError as exc:
            await respond(text=str(exc), response_type="ephemeral", replace_original=False)
            return
        text = book_session_placeholder()
        await respond(text=text, response_type="ephemeral", replace_original=False)

    @app.action(Action.HOME_END_PAIRING)
    async def end_from_home(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team_id, user_id = team_of(body), user_of(body)
        try:
            mine = await pairings.pairing_for(
                ctx.sessionmaker, team_id, user_id, _number(_action_value(body))
            )
        except UserFacingError as exc:
            view = notice_modal("End a pairing", str(exc))
        else:
            view = end_pairing_modal([mine], ModalMeta(pairing_id=mine.id).dump())
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(View.END_PAIRING)
    async def end_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id, user_id = team_of(body), user_of(body)
        values = dict(body["view"].get("state", {}).get("values") or {})
        try:
            meta = parse_meta(body["view"].get("private_metadata"))
        except TamperedMetadata:
            meta = ModalMeta()
        pairing_id = meta.pairing_id or parse_pairing(values)
        if pairing_id is None and Field.PAIRING in values:
            await ack(response_action="errors", errors={Field.PAIRING: "Choose a partner."})
            return
        if pairing_id is None:
            stale = "This form is out of date. Close it and type `/mentor end` again."
            await ack(response_action="update", view=notice_modal("End a pairing", stale))
            return
        try:
            ended = await pairings.end_pairing(
                ctx.sessionmaker, ctx.clock, team_id, user_id, pairing_id
            )
        except UserFacingError as exc:
            await ack(response_action="update", view=notice_modal("End a pairing", str(exc)))
            return
        await ack(
            response_action="update",
            view=notice_modal("Pairing ended", ended_notice(ended.partner_id)),
        )
        await publish_home(client, ctx, team_id, user_id)
        await publish_home(client, ctx, team_id, ended.partner_id)

    ctx.subscriptions.add("interactivity")
