"""What a stalled pair and a quiet person read: always kind, always with a way forward."""

from __future__ import annotations

from typing import Any

from bot.kit.blocks import Block, actions, button, confirm, context, message, section
from bot.kit.ids import Action, numbered
from bot.kit.payloads import PairingRef
from bot.kit.text import mention


def _book(pairing_id: int) -> dict[str, Any]:
    return button(
        "Book a session",
        numbered(Action.BOOK_SESSION, pairing_id),
        value=PairingRef(pairing_id=pairing_id).dump(),
        style="primary",
    )


def ask_leader(pairing_id: int, mentor: str, *, met: bool) -> dict[str, Any]:
    """To the leader alone: a junior should never have to chase an executive."""
    since = "since your last session" if met else "since your introduction"
    text = (
        f":wave: It's been a little while {since} with {mention(mentor)}. Could you propose "
        "a time for the next one? As the leader, taking the lead on scheduling makes it easy "
        "for your partner."
    )
    blocks: list[Block] = [section(text), actions(f"nudge_{pairing_id}", [_book(pairing_id)])]
    return message(f"Could you propose a time to {mention(mentor)}?", blocks)


def nudge_pair(pairing_id: int, leader: str) -> dict[str, Any]:
    """In the pair's group DM: warm, and naming the leader as the one to schedule."""
    text = (
        ":seedling: Busy weeks happen! A short session keeps the momentum going. "
        f"{mention(leader)}, could you pick a time that works for you both?"
    )
    blocks: list[Block] = [section(text), actions(f"nudge_{pairing_id}", [_book(pairing_id)])]
    return message(f"{mention(leader)}, could you pick a time for your next session?", blocks)


def paused(pairing_id: int, partner: str, days: int) -> dict[str, Any]:
    ref = PairingRef(pairing_id=pairing_id).dump()
    text = (
        f":hourglass: Your pairing with {mention(partner)} has had no session for {days} days, "
        "so I've put it on hold for now. No harm done: priorities change. Would you like to "
        "carry on?"
    )
    end = button("Let's end it", Action.END_STALLED, value=ref)
    end["confirm"] = confirm(
        "End this pairing?",
        "It ends kindly, with no reason given, and you stay in the pool for the next round.",
        "Yes, end it",
        "Not now",
    )
    blocks: list[Block] = [
        section(text),
        actions(
            f"stalled_{pairing_id}",
            [button("We're still on", Action.STILL_ON, value=ref, style="primary"), end],
        ),
    ]
    return message(f"Your pairing with {mention(partner)} is on hold", blocks)


def gone_quiet() -> dict[str, Any]:
    """Once, after three prompts in a row went unanswered. Nobody is removed automatically."""
    text = (
        ":wave: I haven't heard from you in a while, which is completely fine. Would you like "
        "to stay in the program?"
    )
    blocks: list[Block] = [
        section(text),
        actions(
            "dormant",
            [
                button("Keep me in", Action.KEEP_ME_IN, style="primary"),
                button("Ask me later", Action.ASK_LATER),
                button("Leave the program", Action.HOME_LEAVE),
            ],
        ),
        context("“Ask me later” pauses you for 4 weeks; nothing is sent to you meanwhile."),
    ]
    return message("Would you like to stay in Flipside?", blocks)
