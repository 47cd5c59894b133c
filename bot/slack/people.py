"""Who someone is according to Slack, and whether they may administer the program."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.services.participants import SlackPerson
from bot.services.program import ProgramConfig


async def slack_person(client: AsyncWebClient, user_id: str) -> SlackPerson:
    """users.info: name, title and time zone come from Slack, never from a form."""
    response = await client.users_info(user=user_id)
    user: dict[str, Any] = response["user"]
    profile: dict[str, Any] = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
    return SlackPerson(
        user_id=user_id,
        name=str(name),
        title=str(profile.get("title") or ""),
        timezone=str(user.get("tz") or "UTC"),
        deleted=bool(user.get("deleted")),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
    )


async def is_program_admin(client: AsyncWebClient, program: ProgramConfig, user_id: str) -> bool:
    """The program's listed admin users, and the workspace's admins and owners."""
    if user_id in program.admin_user_ids:
        return True
    return (await slack_person(client, user_id)).is_admin
