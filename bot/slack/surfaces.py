"""Small steps several listeners share: who and where a payload is from, the Home tab, the
profile modal."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.services import pairings, participants
from bot.slack.context import AppContext
from bot.slack.metadata import ModalMeta
from bot.slack.people import is_program_admin
from bot.slack.ui.home import home_view
from bot.slack.ui.profile_modal import profile_modal


def team_of(body: dict[str, Any]) -> str:
    """The workspace a payload comes from, in every payload shape Slack sends."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    team = team or (body.get("user") or {}).get("team_id")
    if not team:
        raise ValueError("payload has no team")
    return str(team)


def user_of(body: dict[str, Any]) -> str:
    return str(body.get("user_id") or (body.get("user") or {})["id"])


async def publish_home(client: AsyncWebClient, ctx: AppContext, team_id: str, user_id: str) -> None:
    program, profile = await participants.get_profile(ctx.sessionmaker, ctx.clock, team_id, user_id)
    overview = None
    if await is_program_admin(client, program, user_id):
        overview = await participants.overview(ctx.sessionmaker, team_id)
    mine = await pairings.my_pairings(ctx.sessionmaker, team_id, user_id) if profile else []
    view = home_view(user_id, profile, overview, mine)
    await client.views_publish(user_id=user_id, view=view)


async def open_profile(
    client: AsyncWebClient,
    ctx: AppContext,
    trigger_id: str,
    team_id: str,
    user_id: str,
    channel_id: str | None = None,
) -> None:
    program, profile = await participants.get_profile(ctx.sessionmaker, ctx.clock, team_id, user_id)
    meta = ModalMeta(channel_id=channel_id, edit=profile is not None).dump()
    view = profile_modal(program, profile.form if profile else None, meta)
    await client.views_open(trigger_id=trigger_id, view=view)
