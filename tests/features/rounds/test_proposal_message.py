"""The admin's proposal message: valid at any size, escaped, with the right buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.features.rounds import blocks as proposals
from bot.features.rounds.blocks import ProposalView, ProposedPair, UnmatchedGroup
from bot.kit.ids import Action, Block
from bot.sandbox import BlockKitValidator
from tests.features.message_checks import (
    ESCAPED,
    NASTY,
    all_text,
    assert_valid,
    buttons,
    walk,
)

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def pair(i: int, *, dropped: bool = False, score: float = 7.44) -> ProposedPair:
    return ProposedPair(
        index=i,
        mentor_id=f"UM{i:04d}",
        mentor_name=f"Mentor {i}",
        leader_id=f"UL{i:04d}",
        leader_name=f"Leader {i}",
        score=score,
        reasons=("Topics match both ways", "Different departments", "Overlapping times"),
        dropped=dropped,
    )


def proposal(**overrides: Any) -> ProposalView:
    fields: dict[str, Any] = {
        "round_id": 7,
        "state": "proposed",
        "participants": 10,
        "pairs": (pair(0, score=8.0), pair(1, score=7.0), pair(2, dropped=True, score=1.0)),
        "unmatched": (UnmatchedGroup("No one to learn from in range", ("Ana", "Bo")),),
        "computed_at": WHEN,
    }
    fields.update(overrides)
    return ProposalView(**fields)


# --- Introductions -------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["proposed", "approved", "discarded", "superseded", "stale"])
def test_proposal_is_valid_in_every_state(validator: BlockKitValidator, state: str) -> None:
    message = proposals.proposal_message(
        proposal(state=state, decided_by="U09ADMIN", note="A note")
    )
    assert_valid(validator, message)
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Matching round #7", "emoji": True},
    }
    assert message["blocks"][1]["type"] == "context"
    assert message["blocks"][1]["elements"][0]["text"] == "A note"


def test_proposal_summary_counts_kept_pairs_only() -> None:
    message = proposals.proposal_message(proposal())
    (summary,) = [b for b in message["blocks"] if b.get("block_id") == Block.PROPOSAL_SUMMARY]
    text = summary["text"]["text"]
    assert "*People considered:* 10" in text
    assert "*Pairs:* 2 (average score 7.5)" in text
    assert "*Unmatched:* 2" in text
    assert "2 pairs" in message["text"] and "2 unmatched" in message["text"]
    ts = int(WHEN.timestamp())
    computed = (
        f"Computed <!date^{ts}^{{date_short_pretty}} at {{time}}|Monday 2 March 2026 09:30 UTC>"
    )
    assert computed in all_text(message)


def test_proposed_pairs_have_drop_buttons_except_dropped_ones(
    validator: BlockKitValidator,
) -> None:
    message = proposals.proposal_message(proposal())
    assert_valid(validator, message)
    by_id = {b.get("block_id"): b for b in message["blocks"]}
    first = by_id["pair_0"]
    assert first["text"]["text"].startswith("*<@UM0000>* (shares) ↔ *<@UL0000>* (learns)")
    assert "score 8.0" in first["text"]["text"]
    assert "Topics match both ways" in first["text"]["text"]
    assert "Overlapping times" not in first["text"]["text"]  # top 2 reasons only
    drop = first["accessory"]
    assert proposals.DROP_PAIR_ACTION.match(drop["action_id"])
    assert drop["action_id"].startswith(Action.ROUND_DROP_PAIR)
    assert drop["value"] == "7:0" and drop["style"] == "danger"
    assert by_id["pair_1"]["accessory"]["value"] == "7:1"
    dropped = by_id["pair_2"]
    assert "accessory" not in dropped
    assert dropped["text"]["text"].startswith("~") and "dropped" in dropped["text"]["text"]


def test_proposed_actions_approve_recompute_discard() -> None:
    message = proposals.proposal_message(proposal())
    (actions,) = [b for b in message["blocks"] if b.get("block_id") == Block.PROPOSAL_ACTIONS]
    approve, recompute, discard = actions["elements"]
    assert approve["action_id"] == Action.ROUND_APPROVE and approve["style"] == "primary"
    assert approve["value"] == recompute["value"] == discard["value"] == "7"
    assert approve["confirm"]["text"]["text"] == "Approve and introduce 2 pairs?"
    assert recompute["action_id"] == Action.ROUND_RECOMPUTE
    assert discard["action_id"] == Action.ROUND_DISCARD and discard["style"] == "danger"
    assert "confirm" in discard


def test_stale_offers_only_recompute_and_discard(validator: BlockKitValidator) -> None:
    message = proposals.proposal_message(proposal(state="stale"))
    assert_valid(validator, message)
    assert "People changed since this was computed; recompute before approving" in all_text(message)
    ids = [b["action_id"] for b in buttons(message)]
    assert ids == [Action.ROUND_RECOMPUTE, Action.ROUND_DISCARD]


@pytest.mark.parametrize(
    ("state", "line"),
    [
        ("approved", ":white_check_mark: Approved by <@U09ADMIN>: 2 introductions are on"),
        ("discarded", "Discarded by <@U09ADMIN>"),
        ("superseded", "by <@U09ADMIN>"),
    ],
)
def test_decided_proposals_have_no_buttons(state: str, line: str) -> None:
    message = proposals.proposal_message(proposal(state=state, decided_by="U09ADMIN"))
    assert buttons(message) == []
    assert not any(b["type"] == "actions" for b in message["blocks"])
    assert line in all_text(message)


def test_a_huge_round_stays_within_slack_limits(validator: BlockKitValidator) -> None:
    pairs = tuple(pair(i, dropped=i % 50 == 49) for i in range(300))
    groups = tuple(
        UnmatchedGroup(f"Reason {g} & <co>", tuple(f"Person {g}-{i} <&>" for i in range(500)))
        for g in range(7)
    )
    for state in ("proposed", "stale", "approved"):
        message = proposals.proposal_message(
            proposal(state=state, pairs=pairs, unmatched=groups, participants=4100)
        )
        assert_valid(validator, message)
        blocks = message["blocks"]
        assert len(blocks) <= 50
        for block in blocks:
            for node in walk(block):
                if isinstance(node.get("text"), str):
                    assert len(node["text"]) <= 3000
        body = all_text(message)
        assert "…and 269 more pairs" in body and "6 dropped" in body
        if state == "proposed":
            assert "(all will be introduced)" in body
            assert len([b for b in buttons(message) if b.get("style") == "danger"]) == 25 + 1
        unmatched = [b for b in blocks if "Reason" in b.get("text", {}).get("text", "")]
        assert len(unmatched) == 7
        for block in unmatched:
            assert re.search(r"and \d+ others$", block["text"]["text"])
            assert "&lt;co&gt;" in block["text"]["text"]
            assert "<&>" not in block["text"]["text"]


def test_many_unmatched_groups_are_summed_up_beyond_the_budget(
    validator: BlockKitValidator,
) -> None:

    groups = tuple(UnmatchedGroup(f"Reason {g}", ("A", "B")) for g in range(60))
    message = proposals.proposal_message(
        proposal(pairs=tuple(pair(i) for i in range(40)), unmatched=groups)
    )
    assert_valid(validator, message)
    assert len(message["blocks"]) <= 50
    assert re.search(r"…and \d+ more people unmatched for \d+ other reasons", all_text(message))


def test_an_empty_round_is_still_valid(validator: BlockKitValidator) -> None:
    message = proposals.proposal_message(proposal(pairs=(), unmatched=(), participants=0))
    assert_valid(validator, message)
    assert [b["action_id"] for b in buttons(message)] == [
        Action.ROUND_RECOMPUTE,
        Action.ROUND_DISCARD,
    ]


def test_proposal_escapes_reasons_and_names(validator: BlockKitValidator) -> None:
    nasty = ProposedPair(0, "UM1", NASTY, "UL1", NASTY, 5.0, (NASTY,), dropped=False)
    message = proposals.proposal_message(
        proposal(pairs=(nasty,), unmatched=(UnmatchedGroup(NASTY, (NASTY,)),))
    )
    assert_valid(validator, message)
    body = all_text(message)
    assert body.count(ESCAPED) == 3  # the pair's reason, the group's label, the name
    assert "<script>" not in body


def test_proposal_computing_says_where() -> None:
    assert "<#C123>" in proposals.proposal_computing("<#C123>")
    assert "our DM" in proposals.proposal_computing("our DM")
