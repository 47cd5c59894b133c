"""Modal submissions. Input problems go back inline (`response_action: errors`); the acting
user comes from the signed payload, never from `private_metadata`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.profile import PauseError, check_resume_date, validate_profile
from bot.services import participants
from bot.services.errors import UserFacingError
from bot.services.program import load_program, update_settings, validate_settings
from bot.slack.context import AppContext
from bot.slack.ids import Field, View
from bot.slack.metadata import TamperedMetadata, parse_meta
from bot.slack.people import is_program_admin, slack_person
from bot.slack.surfaces import publish_home, team_of, user_of
from bot.slack.ui.help import notice_modal
from bot.slack.ui.modals import parse_resume_on, parse_settings
from bot.slack.ui.profile_modal import parse_profile

STALE = "This form is out of date. Close it and open it again."


def _values(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(body["view"].get("state", {}).get("values") or {})


def _meta_ok(body: dict[str, Any]) -> bool:
    try:
        parse_meta(body["view"].get("private_metadata"))
    except TamperedMetadata:
        return False
    return True


def register(app: AsyncApp, ctx: AppContext) -> None:
    @app.view(View.PROFILE)
    async def profile_submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        team_id, user_id = team_of(body), user_of(body)
        if not _meta_ok(body):
            await ack(response_action="errors", errors={Field.ROLE: STALE})
            return
        form = parse_profile(_values(body))
        program = await load_program(ctx.sessionmaker, ctx.clock, team_id)
        errors = validate_profile(
            form,
            user_id=user_id,
            topic_ids=program.topic_ids,
            level_count=len(program.levels),
            departments=list(program.departments),
        )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        person = await slack_person(client, user_id)
        try:
            await participants.save_profile(ctx.sessionmaker, ctx.clock, team_id, person, form)
        except UserFacingError as exc:
            await ack(response_action="errors", errors={Field.ROLE: str(exc)})
            return
        await ack()
        await publish_home(client, ctx, team_id, user_id)

    @app.view(View.PAUSE)
    async def pause_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id, user_id = team_of(body), user_of(body)
        if not _meta_ok(body):
            await ack(response_action="errors", errors={Field.RESUME_ON: STALE})
            return
        resume_on = parse_resume_on(_values(body))
        try:
            if resume_on is None:
                raise PauseError("Pick the date you want to come back.")
            check_resume_date(resume_on, ctx.clock.now().date())
            await participants.pause(ctx.sessionmaker, ctx.clock, team_id, user_id, resume_on)
        except (PauseError, UserFacingError) as exc:
            await ack(response_action="errors", errors={Field.RESUME_ON: str(exc)})
            return
        await ack()
        await publish_home(client, ctx, team_id, user_id)

    @app.view(View.LEAVE)
    async def leave_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id, user_id = team_of(body), user_of(body)
        try:
            await participants.leave(ctx.sessionmaker, ctx.clock, team_id, user_id)
        except UserFacingError as exc:  # left already (a double submit): say so, don't fail
            await ack(response_action="update", view=notice_modal("Leave Flipside", str(exc)))
            return
        await ack()
        await publish_home(client, ctx, team_id, user_id)

    @app.view(View.SETTINGS)
    async def settings_submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        team_id, user_id = team_of(body), user_of(body)
        if not _meta_ok(body):
            await ack(response_action="errors", errors={Field.TOPICS: STALE})
            return
        program = await load_program(ctx.sessionmaker, ctx.clock, team_id)
        if not await is_program_admin(client, program, user_id):
            await ack(
                response_action="errors",
                errors={Field.TOPICS: "Only program admins can change settings."},
            )
            return
        form = parse_settings(_values(body))
        if errors := validate_settings(form):
            await ack(response_action="errors", errors=errors)
            return
        try:
            await update_settings(ctx.sessionmaker, ctx.clock, team_id, form)
        except UserFacingError as exc:
            await ack(response_action="errors", errors={Field.LEVELS: str(exc)})
            return
        await ack()
        await publish_home(client, ctx, team_id, user_id)
