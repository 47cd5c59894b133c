"""The modal that ends a pairing: private, kind, and clear about what the partner will hear."""

from __future__ import annotations

from bot.domain.pairing import MyPairing
from bot.kit.blocks import Json, plain, section
from bot.kit.ids import Field, View
from bot.kit.state import Values, selected, whole_number


def _who(p: MyPairing) -> str:
    return p.partner_name + (f" ({p.partner_title})" if p.partner_title else "")


def end_pairing_modal(pairings: list[MyPairing], meta: str) -> Json:
    """With one pairing it names it (its id travels in `meta`); with several, the person picks."""
    blocks: list[Json]
    if len(pairings) == 1:
        blocks = [section(f"*End your pairing with <@{pairings[0].partner_id}>?*")]
    else:
        blocks = [
            {
                "type": "input",
                "block_id": Field.PAIRING,
                "label": plain("Which pairing?"),
                "element": {
                    "type": "static_select",
                    "action_id": Field.PAIRING,
                    "placeholder": plain("Choose a partner"),
                    "options": [
                        {"text": plain(_who(p)[:75]), "value": str(p.id)} for p in pairings
                    ],
                },
            }
        ]
    blocks += [
        section(
            "It happens: schedules and priorities change. Your partner will get a short, kind "
            "message that the pairing has ended, *with no reason given*. The program team only "
            "sees how many pairings ended, never who ended which."
        ),
        section(
            "You stay in the program and can be matched again in the next round. "
            "If you need a break from everything, `/mentor pause` is there too."
        ),
    ]
    return {
        "type": "modal",
        "callback_id": View.END_PAIRING,
        "title": plain("End a pairing"),
        "submit": plain("End pairing"),
        "close": plain("Keep it"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def parse_pairing(values: Values) -> int | None:
    return whole_number(selected(values, Field.PAIRING))


def ended_notice(partner_id: str) -> str:
    return (
        f"Done: your pairing with <@{partner_id}> has ended and they've been told kindly. "
        "You'll be considered again in the next matching round."
    )
