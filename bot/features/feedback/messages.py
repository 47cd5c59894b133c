"""The after-session DM in each of its states, and the note to the program team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.feedback import FeedbackTiming, Met, is_low, still_editable
from bot.domain.sessions import SessionInfo
from bot.kit.blocks import Block, actions, button, confirm, context, message, section
from bot.kit.ids import Action
from bot.kit.ids import Block as B
from bot.kit.payloads import PairingRef, SessionRef
from bot.kit.text import date_token, mention

PRIVATE = (
    "Your answers are private: your partner never sees them, and the program team only sees "
    "totals over enough people, never yours."
)


def _ref(info: SessionInfo) -> str:
    return SessionRef(session_id=info.id).dump()


def _when(info: SessionInfo) -> str:
    return date_token(info.starts_at, with_time=True)


def ask(info: SessionInfo, user_id: str, *, again: bool, met: bool = False) -> dict[str, Any]:
    """The question, after the session (and once more, 48 hours later, if unanswered)."""
    partner = mention(info.partner_of(user_id).user_id)
    if again:
        lead = f":wave: A gentle reminder about your session with {partner} on {_when(info)}."
    else:
        lead = f":sparkles: How did your session with {partner} on {_when(info)} go?"
    question = "Two minutes for the short poll?" if met else "*Did you meet?*"
    buttons = [button("Yes, we met", Action.MET_YES, value=_ref(info), style="primary")]
    if not met:
        buttons += [
            button("No, we'll reschedule", Action.MET_RESCHEDULE, value=_ref(info)),
            button("No, it didn't happen", Action.MET_NO, value=_ref(info)),
        ]
    blocks: list[Block] = [
        section(f"{lead}\n{question}", block_id=B.FEEDBACK),
        actions(B.FEEDBACK_ACTIONS, buttons),
        context(PRIVATE),
    ]
    return message(f"Did you meet {partner}? A quick question about your session.", blocks)


def low_rating_offer(info: SessionInfo) -> list[Block]:
    """Offered privately after a rating of 2 or lower."""
    ref = _ref(info)
    return [
        section(
            "*Not what you hoped for?* That's useful to know, and it stays between us. "
            "If you like, the program team can have a word with you, or I can end this "
            "pairing kindly and find you a new partner in the next round."
        ),
        actions(
            f"{B.FEEDBACK_ACTIONS}_low",
            [
                button("Talk to the program team", Action.TALK_TO_TEAM, value=ref),
                {
                    **button("Ask for a new partner", Action.NEW_PARTNER, value=ref),
                    "confirm": confirm(
                        "Ask for a new partner?",
                        "Your pairing ends kindly (your partner is told, with no reason given), "
                        "and you stay in the pool for the next round.",
                        "Yes, end it",
                        "Not now",
                    ),
                },
            ],
        ),
    ]


def question_dm(
    info: SessionInfo, row: Any, now: datetime, timing: FeedbackTiming
) -> dict[str, Any]:
    """The member's DM redrawn in place to show their answer."""
    partner = mention(info.partner_of(row.user_id).user_id)
    ref = _ref(info)
    book = button(
        "Book a session", Action.BOOK_SESSION, value=PairingRef(pairing_id=info.pairing_id).dump()
    )
    closed = row.closed_at is not None
    head = f"Your session with {partner} on {_when(info)}"
    if row.met is None:
        text = f"{head}: this question has closed. Thank you all the same!"
        return message("This question has closed", [section(text, block_id=B.FEEDBACK)])
    if row.met in (Met.NO, Met.RESCHEDULE):
        said = "you'll reschedule" if row.met == Met.RESCHEDULE else "it didn't happen"
        text = f"{head}: you said {said}. Thanks for letting me know."
        blocks: list[Block] = [section(text, block_id=B.FEEDBACK)]
        if not closed:
            blocks.append(actions(B.FEEDBACK_ACTIONS, [book]))
        return message("Thanks for letting me know", blocks)
    editable = not closed and still_editable(row.answered_at, now, timing)
    if row.answered_at is None:
        text = f":white_check_mark: {head}: you met. Two minutes for the short poll?"
        poll = button("Answer the poll", Action.EDIT_ANSWERS, value=ref, style="primary")
        notes = button("Log notes", Action.LOG_NOTES, value=ref)
        blocks = [section(text, block_id=B.FEEDBACK)]
        if not closed:
            blocks.append(actions(B.FEEDBACK_ACTIONS, [poll, notes]))
        return message("Glad you met", [*blocks, context(PRIVATE)])
    text = f":pray: {head}: thanks for your answers!"
    blocks = [section(text, block_id=B.FEEDBACK)]
    if editable:
        blocks.append(
            actions(
                B.FEEDBACK_ACTIONS,
                [
                    button("Edit my answers", Action.EDIT_ANSWERS, value=ref),
                    button("Log notes", Action.LOG_NOTES, value=ref),
                ],
            )
        )
        if is_low(row.value):
            blocks += low_rating_offer(info)
    blocks.append(context(PRIVATE))
    return message("Thanks for your answers", blocks)
