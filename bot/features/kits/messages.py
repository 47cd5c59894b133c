"""A kit as people read it, the briefings, the announcement, and the kit list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.kits import Kit
from bot.features.kits.copy import ANNOUNCEMENT, CONFIDENCE_BRIEFING, LEARNERS_GUIDE
from bot.kit.blocks import Block, actions, button, context, divider, header, message, section
from bot.kit.ids import Action
from bot.kit.payloads import BriefingRef
from bot.kit.text import date_token, esc, mention


def kit_blocks(kit: Kit) -> list[Block]:
    starters = "\n".join(f"• {esc(s, 200)}" for s in kit.starters)
    return [
        header(f"Topic kit: {kit.topic}"[:150]),
        section(f"*Why it matters to a leader now*\n{esc(kit.why, 600)}"),
        section(f"*Three conversation starters*\n{starters}"),
        section(f"*Try this together*\n{esc(kit.exercise, 800)}"),
        section(f":star: *What counts as expertise here*\n{esc(kit.expertise, 400)}"),
    ]


def kit_message(kit: Kit) -> dict[str, Any]:
    return message(f"Topic kit: {kit.topic}", kit_blocks(kit))


def briefing(
    briefing_id: int, *, mentor: bool, partner_id: str, starts_at: datetime, kit: Kit
) -> dict[str, Any]:
    """Before the pair's first session: the side's briefing, then the focus topic's kit."""
    when = date_token(starts_at, with_time=True)
    intro = f":compass: Your first session with {mention(partner_id)} is on {when}."
    words = CONFIDENCE_BRIEFING if mentor else LEARNERS_GUIDE
    ref = BriefingRef(briefing_id=briefing_id).dump()
    blocks: list[Block] = [
        section(intro),
        section(words),
        divider(),
        section(f"*The focus: {esc(kit.topic, 80)}*\n{esc(kit.why, 600)}"),
        actions(
            f"briefing_{briefing_id}",
            [
                button("Show me the kit", Action.SHOW_KIT, value=ref, style="primary"),
                button("Got it", Action.GOT_IT, value=ref),
            ],
        ),
        context("Only you get this briefing; your partner gets one for their side."),
    ]
    return message(f"Before your first session with {mention(partner_id)}", blocks)


def announcement() -> dict[str, Any]:
    blocks: list[Block] = [
        section(ANNOUNCEMENT),
        actions("announce_actions", [button("Join", Action.HOME_JOIN, style="primary")]),
    ]
    return message("Flipside: reverse mentoring is here. Press Join to take part.", blocks)


def kit_list(topics: list[str], asked: str = "") -> dict[str, Any]:
    lead = f"I don't know a topic called “{esc(asked, 60)}”. " if asked else ""
    names = "\n".join(f"• `/mentor kit {esc(t, 80)}`" for t in topics[:40])
    return message(
        "Topic kits",
        [section(f"{lead}*Topic kits*: pick one.\n{names}")],
    )


def not_in_channel(channel_id: str) -> dict[str, Any]:
    text = (
        f":warning: I couldn't post the announcement in <#{channel_id}>: I'm not in that "
        "channel. Invite me there (`/invite @Flipside`) and press *Announce the program* again."
    )
    return message("The announcement could not be posted", [section(text)])
