"""Kits' listeners: `/mentor kit [topic]`, a briefing's *Show me the kit* and *Got it*, the
session card's *Topic kit*, and, in the program settings, *Edit a topic's kit* and *Announce
the program*."""

from __future__ import annotations

from bot.features.kits import service
from bot.features.kits.blocks import (
    announce_modal,
    kit_edit_modal,
    kit_modal,
    parse_channel,
    parse_kit,
)
from bot.features.kits.library import kit_for
from bot.features.kits.messages import kit_list, kit_message
from bot.features.sessions import records as sessions
from bot.kit.blocks import notice_modal
from bot.kit.ids import Action, Field, View
from bot.kit.payloads import BriefingRef, SessionRef, TopicMeta
from bot.kit.state import values_of
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.payload import action_value, first_action
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand


async def kit_command(r: CommandRequest) -> None:
    await r.ack()
    found = await service.find_kit(r.ctx.sessionmaker, r.ctx.clock, r.team_id, r.args)
    body = kit_list(found, r.args) if isinstance(found, list) else kit_message(found)
    await r.respond(response_type="ephemeral", replace_original=False, **body)


COMMANDS = (Subcommand("kit", "a topic kit: starters and an exercise to do together", kit_command),)


def register(on: Listeners) -> None:
    ctx = on.ctx

    @on.action(Action.SHOW_KIT, title="Topic kit")
    async def show(r: Request) -> None:
        briefing_id = r.parse(BriefingRef).briefing_id
        await r.open(kit_modal(await service.briefing_kit(ctx.sessionmaker, r.actor, briefing_id)))

    @on.action(Action.GOT_IT, title="Got it")
    async def got_it(r: Request) -> None:
        await service.got_it(ctx.sessionmaker, ctx.clock, r.actor, r.parse(BriefingRef).briefing_id)
        await r.tell(":thumbsup: Noted. Enjoy your first session!")

    @on.action(Action.SESSION_KIT, title="Topic kit")
    async def session_kit(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        async with ctx.sessionmaker() as session:
            row, _ = await sessions.session_of(session, r.team_id, r.user_id, session_id)
            kit = await kit_for(session, r.team_id, row.topic)
        await r.open(kit_modal(kit))

    @on.action(Action.EDIT_KIT, title="Edit a topic kit")
    async def edit(r: Request) -> None:
        raw = action_value(first_action(r.body))
        if not raw.isdigit():
            return
        name, kit = await service.kit_of_topic(ctx.sessionmaker, ctx.clock, r.actor, int(raw))
        await r.open(kit_edit_modal(kit, TopicMeta(topic_id=int(raw)).dump()))

    @on.view(View.KIT_EDIT, errors_on=Field.WHY, title="Edit a topic kit")
    async def edited(r: ViewRequest) -> Answer:
        topic_id = r.meta(TopicMeta).topic_id
        errors = await service.save_kit(
            ctx.sessionmaker, ctx.clock, r.actor, topic_id, parse_kit(r.values)
        )
        if errors:
            return Answer.inline(errors)
        return Answer.update(
            notice_modal("Kit saved", "Saved: the next briefings and `/mentor kit` use it.")
        )

    @on.action(Action.ANNOUNCE, title="Announce the program")
    async def announce(r: Request) -> None:
        await r.open(announce_modal())

    @on.view(View.ANNOUNCE, errors_on=Field.ANNOUNCE_CHANNEL, title="Announce the program")
    async def announced(r: ViewRequest) -> Answer:
        channel = parse_channel(values_of(r.view))
        if channel is None:
            return Answer.inline({Field.ANNOUNCE_CHANNEL: "Choose a channel."})
        await service.announce(ctx.sessionmaker, ctx.clock, r.actor, channel, r.view_id or "")
        return Answer.update(
            notice_modal(
                "Announced",
                f"On its way to <#{channel}>. If I'm not in that channel, I'll tell you how to "
                "invite me.",
            )
        )
