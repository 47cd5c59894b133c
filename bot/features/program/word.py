"""Someone would like a word with the program team: who, and with whom they are paired; never
what they answered. To the listed admins by DM, else in the admin channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.program.service import read_program
from bot.kit.blocks import message, section
from bot.kit.text import mention
from bot.platform.outbox import OutboundMessage, enqueue, send_dm

TEAM_TOLD = (
    "I've let the program team know you'd like a word. Only that: not your answers. "
    "Someone will reach out to you."
)
NO_TEAM = (
    "This program has no program team set up in Flipside yet, so I couldn't pass it on. "
    "Your HR or Learning & Development team can help."
)


def wants_a_word(user_id: str, partner_id: str) -> dict[str, Any]:
    text = (
        f":speech_balloon: {mention(user_id)} (paired with {mention(partner_id)}) would like a "
        "word with the program team about their mentoring. Could you reach out to them? They "
        "asked for this themselves; nothing they answered is shared."
    )
    return message(f"{mention(user_id)} would like a word with the program team", [section(text)])


async def ask_for_a_word(
    session: AsyncSession, team_id: str, user_id: str, partner_id: str, key: str, now: datetime
) -> str:
    """Queue the message in the caller's transaction; what to tell the person."""
    program = await read_program(session, team_id, now)
    body = wants_a_word(user_id, partner_id)
    admins = [a for a in program.admin_user_ids if a != user_id]
    for admin in admins:
        await send_dm(session, team_id, admin, key, body, now)
    if admins:
        return TEAM_TOLD
    if program.admin_channel_id:
        await enqueue(
            session,
            OutboundMessage(
                team_id=team_id,
                dedup_key=key,
                kind="wants-a-word",
                text=body["text"],
                blocks=body["blocks"],
                channel=program.admin_channel_id,
            ),
            now,
        )
        return TEAM_TOLD
    return NO_TEAM
