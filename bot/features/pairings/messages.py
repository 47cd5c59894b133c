"""Kind DMs around a pairing: ended by the partner, ended by you, a partner who left or paused."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.kit.blocks import message, section
from bot.kit.text import day, mention


def partner_ended(partner_id: str) -> dict[str, Any]:
    """To the person whose partner ended the pairing: kind, no blame, no reason."""
    text = (
        f":wave: Your Flipside pairing with {mention(partner_id)} has ended. Schedules and "
        "priorities change, and that's completely fine. Thank you for the time and curiosity "
        "you brought to it. You stay in the pool and will be considered in the next matching "
        "round (unless you take a break with `/mentor pause`)."
    )
    return message(text, [section(text)])


def you_ended(partner_id: str) -> dict[str, Any]:
    """To the person who ended the pairing: done, the partner was told kindly."""
    text = (
        f":white_check_mark: Done: your pairing with {mention(partner_id)} has ended. I let "
        "them know kindly, without giving any reason. Thank you for the time you put in. You "
        "stay in the pool for the next round; if you'd rather have a break, `/mentor pause` "
        "pauses you and `/mentor leave` takes you out of the program."
    )
    return message(text, [section(text)])


def partner_left() -> dict[str, Any]:
    """To the person whose partner left the program (their data is gone: no name)."""
    text = (
        ":wave: Your partner has left Flipside, so your pairing has ended. Thank you for the "
        "time you gave it. You stay in the pool and will be considered in the next matching "
        "round; nothing is needed from you."
    )
    return message(text, [section(text)])


def partner_paused(partner_id: str, until: date | None) -> dict[str, Any]:
    """To the person whose partner is taking a break."""
    span = f" until {day(until)}" if until is not None else " for a little while"
    text = (
        f":double_vertical_bar: {mention(partner_id)} is taking a break from Flipside{span}. "
        "Your pairing is on hold and picks up again when they're back; nothing is needed from "
        "you meanwhile."
    )
    return message(text, [section(text)])
