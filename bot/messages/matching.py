"""Messages about matching: introductions, the admin's round proposal, and the kind DMs around
a pairing (unmatched, ended, left, paused).

Pure builders: data in, `{"text": ..., "blocks": [...]}` (or a plain string) out. Every piece of
text a person typed (names, titles, departments, goals, topics, reasons) is escaped, and clipped
so each block stays inside Slack's limits whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from bot.slack.ids import Action
from bot.slack.ids import Block as BlockId
from bot.slack.ui.mrkdwn import Block, button, context, divider, escape, header, plain, section

MAX_BLOCKS: Final = 50
MAX_SECTION_TEXT: Final = 3000
MAX_PAIR_SECTIONS: Final = 25
"""Pairs shown one section each in a proposal; the rest are summed up in one line."""

DROP_PAIR_ACTION: Final = re.compile(rf"^{re.escape(Action.ROUND_DROP_PAIR.value)}:\d+$")
"""What a listener matches for the Drop buttons: each one's action_id is
`f"{Action.ROUND_DROP_PAIR}:{index}"`, because action_ids must be unique within a message
(Slack's schema and our stand-in both say so). The button's value carries `"{round_id}:{index}"`."""


# ---------------------------------------------------------------------------------------------
# Small helpers


def _esc(raw: str, limit: int) -> str:
    """`raw` escaped for mrkdwn, at most `limit` characters, never cutting an entity in half."""
    out: list[str] = []
    used = 0
    for ch in raw:
        piece = escape(ch)
        if used + len(piece) > limit - 1:
            return "".join(out).rstrip() + "…"
        out.append(piece)
        used += len(piece)
    return "".join(out)


def _fit(escaped: Sequence[str], budget: int, *, sep: str = ", ", noun: str = "more") -> str:
    """Join already escaped items until `budget` characters, then "and N more"."""
    shown: list[str] = []
    used = 0
    for i, item in enumerate(escaped):
        rest = len(escaped) - i
        tail = len(f" and {rest} {noun}")
        extra = len(item) + (len(sep) if shown else 0)
        if used + extra + (tail if rest > 1 else 0) > budget:
            return f"{sep.join(shown)} and {rest} {noun}" if shown else f"{rest} {noun}"
        shown.append(item)
        used += extra
    return sep.join(shown)


def _topics(items: Iterable[str], budget: int = 600) -> str:
    return _fit([_esc(t, 80) for t in items if t.strip()], budget)


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


def _date_token(when: datetime, *, with_time: bool = False) -> str:
    """Slack's date token: each reader sees the date in their own locale and timezone.
    A naive datetime is read as UTC."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    fallback = f"{aware:%A} {aware.day} {aware:%B %Y}"
    fmt = "{date_short_pretty}"
    if with_time:
        fmt += " at {time}"
        fallback += f" {aware:%H:%M} UTC"
    return f"<!date^{int(aware.timestamp())}^{fmt}|{fallback}>"


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _confirm(title: str, text: str, yes: str, no: str, *, danger: bool = False) -> dict[str, Any]:
    dialog: dict[str, Any] = {
        "title": plain(title[:100]),
        "text": plain(text[:300]),
        "confirm": plain(yes[:30]),
        "deny": plain(no[:30]),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def _message(text: str, blocks: list[Block]) -> dict[str, Any]:
    return {"text": text, "blocks": blocks}


# ---------------------------------------------------------------------------------------------
# Introductions


@dataclass(frozen=True)
class IntroPerson:
    """One side of a new pair, as the introduction shows them."""

    user_id: str
    name: str
    title: str
    level: str  # label, e.g. "Director"
    department: str
    shares: tuple[str, ...]  # topic names they can share
    wants: tuple[str, ...]  # topic names they want to learn
    goals: str


def _person_section(p: IntroPerson, role: str, gives: str) -> Block:
    facts = [
        _esc(part, limit)
        for part, limit in ((p.title, 150), (p.level, 80), (p.department, 120))
        if part.strip()
    ]
    lines = [f"*{_mention(p.user_id)}* · {role}"]
    if facts:
        lines.append(" · ".join(facts))
    lines.append(f"*Shares:* {gives}")
    if p.wants:
        lines.append(f"*Wants to learn:* {_topics(p.wants)}")
    if p.goals.strip():
        lines.append(f"*Goals:* {_esc(p.goals.strip(), 500)}")
    return section("\n".join(lines))


def introduction(
    pairing_id: int, mentor: IntroPerson, leader: IntroPerson, reasons: tuple[str, ...]
) -> dict[str, Any]:
    """The group DM (mentor, leader and the bot) that introduces a new pair."""
    m, ld = _mention(mentor.user_id), _mention(leader.user_id)
    mentor_gives = (
        _topics(mentor.shares) if mentor.shares else "a fresh, hands-on view of how things work"
    )
    leader_gives = "leadership and career insight" + (
        f", and {_topics(leader.shares)}" if leader.shares else ""
    )
    why = [f"• {_esc(r, 300)}" for r in reasons[:6] if r.strip()]
    if len(reasons) > 6:
        why.append(f"• …and {_plural(len(reasons) - 6, 'more reason')}")
    blocks: list[Block] = [
        header(":wave: Say hello to your Flipside partner!"),
        section(
            f"{m}, meet {ld}. {ld}, meet {m}. You've been matched for *reverse mentoring*: "
            "each of you has something the other wants to learn."
        ),
        divider(),
        _person_section(mentor, "reverse mentor", mentor_gives),
        _person_section(leader, "leader", leader_gives),
    ]
    if why:
        blocks.append(section("*Why you were matched*\n" + "\n".join(why)))
    blocks += [
        divider(),
        section(
            "*Ground rules for reverse mentoring*\n"
            "• :lock: *What's said here stays between you.* Be open; nothing is reported on.\n"
            '• :mag: *Curiosity over judgement.* Ask the "obvious" questions, both ways.\n'
            f"• :compass: *{m} leads the topic, {ld} leads the career part.*\n"
            "• :no_entry_sign: *No jokes about generations.* You're two colleagues, "
            "not two age groups."
        ),
        section(
            "*A first session (30–45 min)*\n"
            "1. Introductions, and what each of you hopes to get out of this\n"
            f"2. What {m} will show\n"
            f"3. What {ld} wants to understand\n"
            f"4. One career question from {m}\n"
            "5. Agree a rhythm: how often, how long, where"
        ),
        section(
            f":calendar: {ld}, could you *propose a time for your first session* here in this "
            f"conversation? Two or three options make it easy. {m}, no need to chase: "
            "just pick the one that suits you."
        ),
        {
            "type": "actions",
            "block_id": BlockId.INTRO_ACTIONS.value,
            "elements": [
                button(
                    "Book a session",
                    Action.BOOK_SESSION.value,
                    value=str(pairing_id),
                    style="primary",
                )
            ],
        },
        context("Your Home tab shows your pairing and lets you pause or end it at any time."),
    ]
    text = (
        f"Meet your Flipside partner: {m} (reverse mentor) and {ld} (leader). "
        f"{ld}, please propose a time for your first session here."
    )
    return _message(text, blocks)


def book_session_placeholder() -> str:
    """Ephemeral answer to the Book a session button, until booking from Slack exists."""
    return (
        ":calendar: Booking sessions right from Slack is coming soon. For now, the easiest way: "
        "the leader suggests two or three times right here in your conversation, and the "
        "reverse mentor picks the one that works. If you're the leader, go ahead and post a few "
        "options now; then put it in both your calendars and you're set."
    )


# ---------------------------------------------------------------------------------------------
# Left unmatched


def unmatched_dm(reason_text: str, next_round: datetime | None) -> dict[str, Any]:
    """DM to someone the round could not match: why, what happens next, how to improve."""
    when = (
        f"in the next round, on {_date_token(next_round)}"
        if next_round is not None
        else "when the program team runs the next round"
    )
    why = _esc(reason_text.strip(), 1500) or "There wasn't a good fit for you this time."
    blocks: list[Block] = [
        section(f":seedling: *No partner for you this round, yet.*\n{why}"),
        section(
            "*What happens next:* you stay in the pool automatically, and I'll look for a "
            f"partner for you again {when}."
        ),
        section(
            "*Improving your chances:* with `/mentor profile` you can add more topics you can "
            "share or want to learn, and widen the days and times that suit you. More options "
            "mean more possible partners."
        ),
        context("Nothing is needed from you: I'll message you as soon as you're matched."),
    ]
    text = (
        "No Flipside partner for you this round, yet. You stay in the pool, and I'll try "
        f"again {when}."
    )
    return _message(text, blocks)


# ---------------------------------------------------------------------------------------------
# The admin's proposal


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
    who = f"*{_mention(p.mentor_id)}* (shares) ↔ *{_mention(p.leader_id)}* (learns)"
    if p.dropped:
        return section(f"~{who} · score {p.score:.1f}~ · _dropped_", block_id=f"pair_{p.index}")
    lines = [f"{who} · score {p.score:.1f}"]
    lines += [f"• {_esc(r, 400)}" for r in p.reasons[:2] if r.strip()]
    block = section("\n".join(lines), block_id=f"pair_{p.index}")
    if droppable:
        drop = button(
            "Drop",
            f"{Action.ROUND_DROP_PAIR.value}:{p.index}",
            value=f"{round_id}:{p.index}",
            style="danger",
        )
        label = f"Drop {p.mentor_name} and {p.leader_name}".strip()
        drop["accessibility_label"] = label[:74] + "…" if len(label) > 75 else label
        block["accessory"] = drop
    return block


def _unmatched_block(g: UnmatchedGroup) -> Block:
    head = f":bust_in_silhouette: *{_esc(g.reason, 200)}* ({len(g.names)})"
    names = _fit([_esc(n, 80) for n in g.names], MAX_SECTION_TEXT - 100 - len(head), noun="others")
    return section(f"{head}\n{names}" if names else head)


def _state_blocks(p: ProposalView, kept: int) -> list[Block]:
    """What happened, or what the admin can do now."""
    rid = str(p.round_id)
    by = f" by {_mention(p.decided_by)}" if p.decided_by else ""
    recompute = button("Recompute", Action.ROUND_RECOMPUTE.value, value=rid)
    discard = button("Discard", Action.ROUND_DISCARD.value, value=rid, style="danger")
    discard["confirm"] = _confirm(
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
            approve["confirm"] = _confirm(
                "Approve this round?",
                f"Approve and introduce {_plural(kept, 'pair')}?",
                "Approve",
                "Not yet",
            )
            elements.append(approve)
        elements += [recompute, discard]
        return [
            {"type": "actions", "block_id": BlockId.PROPOSAL_ACTIONS.value, "elements": elements}
        ]
    if p.state == "stale":
        return [
            section(
                ":warning: *People changed since this was computed; recompute before approving.*"
            ),
            {
                "type": "actions",
                "block_id": BlockId.PROPOSAL_ACTIONS.value,
                "elements": [recompute, discard],
            },
        ]
    if p.state == "approved":
        line = (
            f":white_check_mark: Approved{by}: "
            f"{_plural(kept, 'introduction')} {'is' if kept == 1 else 'are'} on their way."
        )
    elif p.state == "discarded":
        line = f":wastebasket: Discarded{by}. No one was introduced from this proposal."
    elif p.state == "superseded":
        line = (
            f":arrows_counterclockwise: Replaced by a newer proposal{by}. "
            "No one was introduced from this one."
        )
    else:
        line = f"State: {_esc(p.state, 50)}{by}."
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
            more = f"…and {_plural(hidden_kept, 'more pair')}"
            if p.state in ("proposed", "stale"):
                more += " (all will be introduced)"
            if hidden_dropped:
                more += f", plus {hidden_dropped} dropped"
            pair_blocks.append(context(more))

    bottom = _state_blocks(p, kept)
    bottom.append(context(f"Computed {_date_token(p.computed_at, with_time=True)}"))

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
                    f"…and {_plural(people, 'more person', 'more people')} unmatched "
                    f"for {_plural(len(rest), 'other reason')}"
                )
            )

    blocks = top + pair_blocks + unmatched_blocks + bottom
    text = (
        f"Matching round #{p.round_id} ({_STATE_WORDS.get(p.state, p.state)}): "
        f"{_plural(kept, 'pair')} from {_plural(p.participants, 'person', 'people')} "
        f"considered, {unmatched} unmatched."
    )
    return _message(text, blocks)


def proposal_computing(where: str) -> str:
    """Ephemeral ack while a round computes; `where` is mrkdwn, e.g. "<#C123>" or "our DM"."""
    return (
        ":hourglass_flowing_sand: Computing the best pairs for everyone… "
        f"I'll post the proposal in {where} in a moment."
    )


# ---------------------------------------------------------------------------------------------
# When a pairing ends or pauses


def partner_ended(partner_id: str) -> dict[str, Any]:
    """To the person whose partner ended the pairing: kind, no blame, no reason."""
    text = (
        f":wave: Your Flipside pairing with {_mention(partner_id)} has ended. Schedules and "
        "priorities change, and that's completely fine. Thank you for the time and curiosity "
        "you brought to it. You stay in the pool and will be considered in the next matching "
        "round (unless you take a break with `/mentor pause`)."
    )
    return _message(text, [section(text)])


def you_ended(partner_id: str) -> dict[str, Any]:
    """To the person who ended the pairing: done, the partner was told kindly."""
    text = (
        f":white_check_mark: Done: your pairing with {_mention(partner_id)} has ended. I let "
        "them know kindly, without giving any reason. Thank you for the time you put in. You "
        "stay in the pool for the next round; if you'd rather have a break, `/mentor pause` "
        "pauses you and `/mentor leave` takes you out of the program."
    )
    return _message(text, [section(text)])


def partner_left() -> dict[str, Any]:
    """To the person whose partner left the program (their data is gone: no name)."""
    text = (
        ":wave: Your partner has left Flipside, so your pairing has ended. Thank you for the "
        "time you gave it. You stay in the pool and will be considered in the next matching "
        "round; nothing is needed from you."
    )
    return _message(text, [section(text)])


def partner_paused(partner_id: str, until: date | None) -> dict[str, Any]:
    """To the person whose partner is taking a break."""
    span = f" until {_day(until)}" if until is not None else " for a little while"
    text = (
        f":double_vertical_bar: {_mention(partner_id)} is taking a break from Flipside{span}. "
        "Your pairing is on hold and picks up again when they're back; nothing is needed from "
        "you meanwhile."
    )
    return _message(text, [section(text)])
