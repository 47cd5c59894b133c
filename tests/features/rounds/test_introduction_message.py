"""A new pair's introduction and the DM to someone left unmatched."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.features.rounds import messages as introductions
from bot.features.rounds.messages import IntroPerson
from bot.kit.ids import Action, Block
from bot.sandbox import BlockKitValidator
from tests.features.message_checks import (
    ESCAPED,
    NASTY,
    Message,
    all_text,
    assert_valid,
)

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def person(user_id: str, name: str, **overrides: Any) -> IntroPerson:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "name": name,
        "title": "Data Analyst",
        "level": "Associate",
        "department": "Finance",
        "shares": ("GenAI tools", "TikTok"),
        "wants": ("Presenting to executives",),
        "goals": "Understand how decisions get made",
    }
    fields.update(overrides)
    return IntroPerson(**fields)


MAYA = person("U01MAYA", "Maya")
DANIEL = person(
    "U02DAN",
    "Daniel",
    title="VP Sales",
    level="Vice President",
    department="Sales",
    shares=(),
    wants=("GenAI tools",),
    goals="Stay close to how younger colleagues work",
)


def intro(**kwargs: Any) -> Message:
    args: dict[str, Any] = {
        "pairing_id": 42,
        "mentor": MAYA,
        "leader": DANIEL,
        "reasons": ("Maya can teach GenAI tools, which Daniel wants to learn",),
    }
    args.update(kwargs)
    return introductions.introduction(**args)


def test_introduction_is_valid(validator: BlockKitValidator) -> None:
    assert_valid(validator, intro())


def test_introduction_names_both_people_and_asks_the_leader(
    validator: BlockKitValidator,
) -> None:

    message = intro()
    assert "<@U01MAYA>" in message["text"] and "<@U02DAN>" in message["text"]
    body = all_text(message)
    assert "<@U01MAYA>" in body and "<@U02DAN>" in body
    assert re.search(r"<@U02DAN>, could you \*propose a time", body)
    for word in ("GenAI tools", "Vice President", "Sales", "Why you were matched", "30–45 min"):
        assert word in body
    for rule in ("stays between you", "Curiosity over judgement", "No jokes about generations"):
        assert rule in body


def test_introduction_carries_the_book_button() -> None:
    message = intro(pairing_id=1234)
    actions = [b for b in message["blocks"] if b.get("block_id") == Block.INTRO_ACTIONS]
    assert len(actions) == 1 and actions[0]["type"] == "actions"
    (book,) = actions[0]["elements"]
    assert book["action_id"] == Action.BOOK_SESSION
    assert book["value"] == "1234"
    assert book["style"] == "primary"
    assert book["text"]["text"] == "Book a session"


def test_introduction_escapes_what_people_typed(validator: BlockKitValidator) -> None:
    nasty = person(
        "U01MAYA",
        NASTY,
        title=NASTY,
        level=NASTY,
        department=NASTY,
        shares=(NASTY,),
        wants=(NASTY,),
        goals=NASTY,
    )
    message = intro(mentor=nasty, leader=DANIEL, reasons=(NASTY,))
    assert_valid(validator, message)
    body = all_text(message)
    assert ESCAPED in body
    assert "<script>" not in body and "R&D" not in body


def test_introduction_stays_within_limits_with_huge_input(validator: BlockKitValidator) -> None:
    huge = person(
        "U01MAYA",
        "M" * 5000,
        title="&" * 5000,
        level="<" * 5000,
        department=">" * 5000,
        shares=tuple(f"topic & {i}" * 20 for i in range(200)),
        wants=tuple(f"want < {i}" * 20 for i in range(200)),
        goals="&<>" * 3000,
    )
    message = intro(mentor=huge, leader=huge, reasons=tuple("why & " * 500 for _ in range(40)))
    assert_valid(validator, message)
    assert "&am…" not in all_text(message)  # clipped between entities, never through one


@pytest.mark.parametrize("next_round", [WHEN, None])
def test_unmatched_dm(validator: BlockKitValidator, next_round: datetime | None) -> None:
    message = introductions.unmatched_dm(
        "Few people share what you want to learn yet <3 & more", next_round
    )
    assert_valid(validator, message)
    body = all_text(message)
    assert "&lt;3 &amp; more" in body
    assert "`/mentor profile`" in body
    assert "stay in the pool automatically" in body
    assert "Nothing is needed from you" in body
    assert "block" not in body.lower()
    if next_round is None:
        assert "when the program team runs the next round" in body
    else:
        token = f"<!date^{int(WHEN.timestamp())}^{{date_short_pretty}}|Monday 2 March 2026>"
        assert token in body


def test_unmatched_dm_naive_datetime_is_read_as_utc() -> None:
    naive = introductions.unmatched_dm("x", datetime(2026, 3, 2, 9, 30))
    assert f"<!date^{int(WHEN.timestamp())}^" in all_text(naive)


# --- The proposal --------------------------------------------------------------------------
