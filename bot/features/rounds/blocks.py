"""The admin's proposal for a matching round: pairs with scores and reasons, the unmatched by
reason, and the buttons to decide. Stays within 50 blocks whatever the size of the round."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bot.kit.blocks import (
    Block,
    actions,
    button,
    confirm,
    context,
    divider,
    header,
    message,
    section,
)
from bot.kit.ids import Action
from bot.kit.ids import Block as BlockId
from bot.kit.payloads import PairRef, RoundRef
from bot.kit.text import date_token, esc, fit, mention, plural

MAX_BLOCKS: Final = 50
MAX_SECTION_TEXT: Final = 3000
MAX_PAIR_SECTIONS: Final = 25
"""Pairs shown one section each in a proposal; the rest are summed up in one line."""

DROP_PAIR_ACTION: Final = re.compile(rf"^{re.escape(Action.ROUND_DROP_PAIR.value)}:\d+$")
"""What a listener matches for the Drop buttons: each one's action_id is
`f"{Action.ROUND_DROP_PAIR}:{index}"`, because action_ids must be unique within a message
(Slack's schema and our stand-in both say so). The button's value carries `"{round_id}:{index}"`."""


@dataclass(frozen=True)
class ProposedPair:
    index: int  # position in the proposal, stable, used by the Drop button
    mentor_id: str
    mentor_name: str
    leader_id: str
    leader_name: str
    score: float
    reasons: tuple[str, ...]
    dropped: bool


@dataclass(frozen=True)
class UnmatchedGroup:
    reason: str  # short label for admins, e.g. "No one to learn from in range"
    names: tuple[str, ...]


@dataclass(frozen=True)
class ProposalView:
    round_id: int
    state: str  # "proposed" | "approved" | "discarded" | "superseded" | "stale"
    participants: int  # people considered
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[UnmatchedGroup, ...]
    computed_at: datetime
    decided_by: str | None = None  # user id of the admin who approved/discarded
    note: str | None = None  # mrkdwn line shown under the header, written by the bot


def _pair_block(p: ProposedPair, round_id: int, *, droppable: bool) -> Block:
    who = f"*{mention(p.mentor_id)}* (shares) ↔ *{mention(p.leader_id)}* (learns)"
    if p.dropped:
        return section(f"~{who} · score {p.score:.1f}~ · _dropped_", block_id=f"pair_{p.index}")
    lines = [f"{who} · score {p.score:.1f}"]
    lines += [f"• {esc(r, 400)}" for r in p.reasons[:2] if r.strip()]
    block = section("\n".join(lines), block_id=f"pair_{p.index}")
    if droppable:
        drop = button(
            "Drop",
            f"{Action.ROUND_DROP_PAIR.value}:{p.index}",
            value=PairRef(round_id=round_id, index=p.index).dump(),
            style="danger",
        )
        label = f"Drop {p.mentor_name} and {p.leader_name}".strip()
        drop["accessibility_label"] = label[:74] + "…" if len(label) > 75 else label
        block["accessory"] = drop
    return block


def _unmatched_block(g: UnmatchedGroup) -> Block:
    head = f":bust_in_silhouette: *{esc(g.reason, 200)}* ({len(g.names)})"
    names = fit([esc(n, 80) for n in g.names], MAX_SECTION_TEXT - 100 - len(head), noun="others")
    return section(f"{head}\n{names}" if names else head)


def _state_blocks(p: ProposalView, kept: int) -> list[Block]:
    """What happened, or what the admin can do now."""
    rid = RoundRef(round_id=p.round_id).dump()
    by = f" by {mention(p.decided_by)}" if p.decided_by else ""
    recompute = button("Recompute", Action.ROUND_RECOMPUTE.value, value=rid)
    discard = button("Discard", Action.ROUND_DISCARD.value, value=rid, style="danger")
    discard["confirm"] = confirm(
        "Discard this proposal?",
        "No one will be introduced from it. You can run a new round at any time.",
        "Discard",
        "Keep it",
        danger=True,
    )
    if p.state == "proposed":
        elements: list[Block] = []
        if kept:
            approve = button("Approve", Action.ROUND_APPROVE.value, value=rid, style="primary")
            approve["confirm"] = confirm(
                "Approve this round?",
                f"Approve and introduce {plural(kept, 'pair')}?",
                "Approve",
                "Not yet",
            )
            elements.append(approve)
        elements += [recompute, discard]
        return [actions(BlockId.PROPOSAL_ACTIONS, elements)]
    if p.state == "stale":
        return [
            section(
                ":warning: *People changed since this was computed; recompute before approving.*"
            ),
            actions(BlockId.PROPOSAL_ACTIONS, [recompute, discard]),
        ]
    if p.state == "approved":
        line = (
            f":white_check_mark: Approved{by}: "
            f"{plural(kept, 'introduction')} {'is' if kept == 1 else 'are'} on their way."
        )
    elif p.state == "discarded":
        line = f":wastebasket: Discarded{by}. No one was introduced from this proposal."
    elif p.state == "superseded":
        line = (
            f":arrows_counterclockwise: Replaced by a newer proposal{by}. "
            "No one was introduced from this one."
        )
    else:
        line = f"State: {esc(p.state, 50)}{by}."
    return [context(line)]


_STATE_WORDS: Final = {
    "proposed": "waiting for approval",
    "approved": "approved",
    "discarded": "discarded",
    "superseded": "replaced by a newer proposal",
    "stale": "out of date, recompute before approving",
}


def proposal_message(p: ProposalView) -> dict[str, Any]:
    """The admin's proposal: summary, pairs with Drop buttons, unmatched by reason, decision.

    Stays within 50 blocks and 3000 characters per section whatever the size of the round.
    """
    kept_pairs = [x for x in p.pairs if not x.dropped]
    kept = len(kept_pairs)
    unmatched = sum(len(g.names) for g in p.unmatched)
    average = f"{sum(x.score for x in kept_pairs) / kept:.1f}" if kept else "–"
    droppable = p.state == "proposed"

    top: list[Block] = [header(f"Matching round #{p.round_id}")]
    if p.note:
        top.append(context(p.note[:2000]))
    top.append(
        section(
            f"*People considered:* {p.participants}\n"
            f"*Pairs:* {kept}" + (f" (average score {average})" if kept else "") + "\n"
            f"*Unmatched:* {unmatched}",
            block_id=BlockId.PROPOSAL_SUMMARY.value,
        )
    )

    pair_blocks: list[Block] = []
    if p.pairs:
        pair_blocks.append(divider())
        shown = p.pairs[:MAX_PAIR_SECTIONS]
        pair_blocks += [_pair_block(x, p.round_id, droppable=droppable) for x in shown]
        hidden = p.pairs[MAX_PAIR_SECTIONS:]
        if hidden:
            hidden_dropped = sum(1 for x in hidden if x.dropped)
            hidden_kept = len(hidden) - hidden_dropped
            more = f"…and {plural(hidden_kept, 'more pair')}"
            if p.state in ("proposed", "stale"):
                more += " (all will be introduced)"
            if hidden_dropped:
                more += f", plus {hidden_dropped} dropped"
            pair_blocks.append(context(more))

    bottom = _state_blocks(p, kept)
    bottom.append(context(f"Computed {date_token(p.computed_at, with_time=True)}"))

    unmatched_blocks: list[Block] = []
    if p.unmatched:
        room = MAX_BLOCKS - len(top) - len(pair_blocks) - len(bottom) - 1  # 1: the divider
        groups = list(p.unmatched)
        fits = groups if len(groups) <= room else groups[: max(room - 1, 0)]
        unmatched_blocks = [divider()] + [_unmatched_block(g) for g in fits]
        rest = groups[len(fits) :]
        if rest:
            people = sum(len(g.names) for g in rest)
            unmatched_blocks.append(
                context(
                    f"…and {plural(people, 'more person', 'more people')} unmatched "
                    f"for {plural(len(rest), 'other reason')}"
                )
            )

    blocks = top + pair_blocks + unmatched_blocks + bottom
    text = (
        f"Matching round #{p.round_id} ({_STATE_WORDS.get(p.state, p.state)}): "
        f"{plural(kept, 'pair')} from {plural(p.participants, 'person', 'people')} "
        f"considered, {unmatched} unmatched."
    )
    return message(text, blocks)


def proposal_computing(where: str) -> str:
    """Ephemeral ack while a round computes; `where` is mrkdwn, e.g. "<#C123>" or "our DM"."""
    return (
        ":hourglass_flowing_sand: Computing the best pairs for everyone… "
        f"I'll post the proposal in {where} in a moment."
    )
