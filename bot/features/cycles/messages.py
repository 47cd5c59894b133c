"""The check-in, the survey's invitation, the pair's choice, and how a cycle ends."""

from __future__ import annotations

from typing import Any

from bot.domain.cycles import CHECK_IN_LABELS, CheckIn
from bot.kit.blocks import Block, actions, button, confirm, context, message, section
from bot.kit.ids import Action
from bot.kit.payloads import CycleRef, PairingRef
from bot.kit.text import mention

PRIVATE = "Only you see your answers; the program team only ever sees totals."


def check_in(pairing_id: int, cycle: int, partner: str) -> dict[str, Any]:
    ref = CycleRef(pairing_id=pairing_id, cycle=cycle).dump()
    text = f":bar_chart: Halfway through your cycle with {mention(partner)}. How is it going?"
    ids = {
        CheckIn.GOING_WELL: Action.CHECK_IN_WELL,
        CheckIn.OK: Action.CHECK_IN_OK,
        CheckIn.NOT_A_GOOD_FIT: Action.CHECK_IN_NOT_FIT,
    }
    blocks: list[Block] = [
        section(text),
        actions(
            f"check_in_{pairing_id}_{cycle}",
            [button(CHECK_IN_LABELS[c], ids[c], value=ref) for c in CheckIn],
        ),
        context(PRIVATE),
    ]
    return message(f"Halfway through your cycle with {mention(partner)}: how is it going?", blocks)


def not_a_good_fit(pairing_id: int) -> list[Block]:
    ref = PairingRef(pairing_id=pairing_id).dump()
    new = button("Ask for a new partner", Action.CYCLE_NEW_PARTNER, value=ref)
    new["confirm"] = confirm(
        "Ask for a new partner?",
        "Your pairing ends kindly (your partner is told, with no reason given), and you stay "
        "in the pool for the next round.",
        "Yes, end it",
        "Not now",
    )
    return [
        section(
            "Thanks for saying so; it stays between us. If you like, the program team can have "
            "a word with you, or I can end this pairing kindly and find you a new partner."
        ),
        actions(
            f"not_fit_{pairing_id}",
            [button("Talk to the program team", Action.CYCLE_TALK, value=ref), new],
        ),
    ]


def survey(pairing_id: int, cycle: int, partner: str) -> dict[str, Any]:
    ref = CycleRef(pairing_id=pairing_id, cycle=cycle).dump()
    text = (
        f":checkered_flag: Your cycle with {mention(partner)} has come to its end. Three short "
        "questions, then the two of you choose what comes next."
    )
    blocks: list[Block] = [
        section(text),
        actions(
            f"survey_{pairing_id}_{cycle}",
            [button("Answer the survey", Action.CYCLE_SURVEY, value=ref, style="primary")],
        ),
        context(PRIVATE),
    ]
    return message("Your cycle has come to its end: three short questions", blocks)


def choose(pairing_id: int, cycle: int, mentor: str, leader: str, days: int) -> dict[str, Any]:
    ref = CycleRef(pairing_id=pairing_id, cycle=cycle).dump()
    text = (
        f":sparkles: {mention(mentor)}, {mention(leader)}: this cycle is complete. Would you "
        f"like *another cycle* together, or to *wrap up*? With no answer in {days} days, the "
        "pairing ends kindly and you are both in the next matching round."
    )
    blocks: list[Block] = [
        section(text),
        actions(
            f"choose_{pairing_id}_{cycle}",
            [
                button("Another cycle", Action.ANOTHER_CYCLE, value=ref, style="primary"),
                button("Wrap up", Action.WRAP_UP, value=ref),
            ],
        ),
    ]
    return message("Another cycle, or wrap up?", blocks)


def another(by: str) -> dict[str, Any]:
    text = f":repeat: {mention(by)} chose another cycle together. Enjoy the next sessions!"
    return message("Another cycle together", [section(text)])


def wrapped(by: str | None) -> dict[str, Any]:
    who = f"{mention(by)} chose to wrap up" if by else "No choice came in time, so I've wrapped up"
    text = (
        f":pray: {who}. Thank you both for the sessions! You are both in the next matching "
        "round, and your notes stay yours."
    )
    return message("Your pairing is wrapped up", [section(text)])
