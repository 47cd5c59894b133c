"""A new pair's introduction, and the DM to someone left unmatched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.kit.blocks import Block, actions, button, context, divider, header, message, section
from bot.kit.ids import Action
from bot.kit.ids import Block as BlockId
from bot.kit.payloads import PairingRef
from bot.kit.text import date_token, esc, mention, plural, topics


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
        esc(part, limit)
        for part, limit in ((p.title, 150), (p.level, 80), (p.department, 120))
        if part.strip()
    ]
    lines = [f"*{mention(p.user_id)}* · {role}"]
    if facts:
        lines.append(" · ".join(facts))
    lines.append(f"*Shares:* {gives}")
    if p.wants:
        lines.append(f"*Wants to learn:* {topics(p.wants)}")
    if p.goals.strip():
        lines.append(f"*Goals:* {esc(p.goals.strip(), 500)}")
    return section("\n".join(lines))


def introduction(
    pairing_id: int, mentor: IntroPerson, leader: IntroPerson, reasons: tuple[str, ...]
) -> dict[str, Any]:
    """The group DM (mentor, leader and the bot) that introduces a new pair."""
    m, ld = mention(mentor.user_id), mention(leader.user_id)
    mentor_gives = (
        topics(mentor.shares) if mentor.shares else "a fresh, hands-on view of how things work"
    )
    leader_gives = "leadership and career insight" + (
        f", and {topics(leader.shares)}" if leader.shares else ""
    )
    why = [f"• {esc(r, 300)}" for r in reasons[:6] if r.strip()]
    if len(reasons) > 6:
        why.append(f"• …and {plural(len(reasons) - 6, 'more reason')}")
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
            f":calendar: {ld}, could you *propose a time for your first session*? Press "
            f"*Book a session* below and pick one: I'll show it to {m} in their own time zone, "
            f"add it to your calendars and remind you both. {m}, no need to chase: if the time "
            "doesn't suit you, *Reschedule* is on the session card."
        ),
        actions(
            BlockId.INTRO_ACTIONS,
            [
                button(
                    "Book a session",
                    Action.BOOK_SESSION,
                    value=PairingRef(pairing_id=pairing_id).dump(),
                    style="primary",
                )
            ],
        ),
        context("Your Home tab shows your pairing and lets you pause or end it at any time."),
    ]
    text = (
        f"Meet your Flipside partner: {m} (reverse mentor) and {ld} (leader). "
        f"{ld}, please propose a time for your first session here."
    )
    return message(text, blocks)


# ---------------------------------------------------------------------------------------------
# Left unmatched


def unmatched_dm(reason_text: str, next_round: datetime | None) -> dict[str, Any]:
    """DM to someone the round could not match: why, what happens next, how to improve."""
    when = (
        f"in the next round, on {date_token(next_round)}"
        if next_round is not None
        else "when the program team runs the next round"
    )
    why = esc(reason_text.strip(), 1500) or "There wasn't a good fit for you this time."
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
    return message(text, blocks)
