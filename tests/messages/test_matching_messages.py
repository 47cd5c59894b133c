"""The matching messages: valid Block Kit at any size, escaped, kind, and with the right buttons."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.messages import introductions, pairing
from bot.messages import proposal as proposals
from bot.messages.introductions import IntroPerson
from bot.messages.proposal import ProposalView, ProposedPair, UnmatchedGroup
from bot.sandbox import BlockKitValidator, find_schema_dir
from bot.sandbox.validation import limit_problems
from bot.slack.ids import Action, Block

SKIP_NO_SCHEMAS = (
    "Slack schemas not found: set SLACK_SCHEMAS_DIR or place ../shared/slack-schemas beside the "
    "checkout"
)
NASTY = "R&D <script> a>b"
ESCAPED = "R&amp;D &lt;script&gt; a&gt;b"
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

Message = dict[str, Any]


@pytest.fixture(params=["schema", "fallback"])
def validator(request: pytest.FixtureRequest) -> BlockKitValidator:
    if request.param == "fallback":
        return BlockKitValidator(schema_dir=None)
    if find_schema_dir() is None:
        pytest.skip(SKIP_NO_SCHEMAS)
    return BlockKitValidator()


def _walk(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def texts(message: Message) -> list[str]:
    """Every piece of text a reader can see: the fallback and each text object."""
    found = [message["text"]]
    for node in _walk(message["blocks"]):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append(node["text"])
    return found


def all_text(message: Message) -> str:
    return "\n".join(texts(message))


def buttons(message: Message) -> list[dict[str, Any]]:
    return [n for n in _walk(message["blocks"]) if n.get("type") == "button"]


def assert_valid(validator: BlockKitValidator, message: Message) -> None:
    assert isinstance(message["text"], str) and message["text"].strip()
    assert validator.check_blocks(message["blocks"]) == []
    assert limit_problems(message["blocks"], max_blocks=50) == []
    for node in _walk(message["blocks"]):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
    json.dumps(message)  # plain data all the way down


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


def test_book_session_placeholder_is_friendly() -> None:
    text = introductions.book_session_placeholder()
    assert "coming soon" in text
    assert "leader" in text and "times" in text


# --- Unmatched -----------------------------------------------------------------------------


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
            for node in _walk(block):
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


# --- When a pairing ends or pauses ---------------------------------------------------------


def test_pairing_change_dms(validator: BlockKitValidator) -> None:
    ended = pairing.partner_ended("U02DAN")
    mine = pairing.you_ended("U02DAN")
    left = pairing.partner_left()
    paused = pairing.partner_paused("U02DAN", date(2026, 4, 1))
    paused_open = pairing.partner_paused("U02DAN", None)
    for message in (ended, mine, left, paused, paused_open):
        assert_valid(validator, message)
    assert "<@U02DAN>" in ended["text"] and "next matching round" in ended["text"]
    assert "Schedules and priorities change" in ended["text"]
    assert "without giving any reason" in mine["text"] and "`/mentor pause`" in mine["text"]
    assert "<@" not in left["text"] and "left Flipside" in left["text"]
    assert "Wednesday 1 April 2026" in paused["text"] and "<@U02DAN>" in paused["text"]
    assert "back" in paused_open["text"]
