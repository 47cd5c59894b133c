"""Direct messages about a person's own participation, and the summary of their profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.profile import DAY_LABELS, TIME_LABELS, ProfileSummary
from bot.domain.program import Role
from bot.kit.blocks import context, message, section
from bot.kit.text import day, escape

ROLE_LABELS = {
    Role.SHARE: "Share what I know (reverse mentor)",
    Role.LEARN: "Learn (leader)",
    Role.BOTH: "Both share and learn",
}


def summary_lines(p: ProfileSummary) -> list[str]:
    lines = [
        f"*Role:* {ROLE_LABELS.get(Role(p.role), p.role)}",
        f"*Level:* {escape(p.level)}  ·  *Department:* {escape(p.department)}",
    ]
    if p.share:
        lines.append("*Can share:* " + ", ".join(escape(t) for t in p.share))
    if p.learn:
        lines.append("*Wants to learn:* " + ", ".join(escape(t) for t in p.learn))
    when = [DAY_LABELS[d] for d in p.days if d in DAY_LABELS]
    parts = [TIME_LABELS[t].lower() for t in p.times if t in TIME_LABELS]
    if when or parts:
        lines.append(
            "*Best times:* "
            + ", ".join(when or ["any weekday"])
            + (f" ({', '.join(parts)})" if parts else "")
        )
    partners = "1 partner" if p.capacity == 1 else f"up to {p.capacity} partners"
    lines.append(f"*Capacity:* {partners}")
    if p.goals:
        lines.append(f"*Goals:* {escape(p.goals[:300])}{'…' if len(p.goals) > 300 else ''}")
    if p.blocked_count:
        people = "person" if p.blocked_count == 1 else "people"
        lines.append(f"*Not to be paired with:* {p.blocked_count} {people} (only you see this)")
    return lines


def profile_saved(p: ProfileSummary, *, created: bool, next_step: str) -> dict[str, Any]:
    """The DM after the opt-in modal: what was saved and what happens next."""
    head = (
        ":tada: *You're in!* Thanks for joining Flipside, our reverse-mentoring program."
        if created
        else ":white_check_mark: *Your Flipside profile is updated.*"
    )
    text = head.replace("*", "") + " " + next_step
    return {
        "text": text,
        "blocks": [
            section(head),
            section("\n".join(summary_lines(p))),
            section(f"*What happens next:* {next_step}"),
            context(
                "Change anything with `/mentor profile`, take a break with `/mentor pause`, "
                "or leave with `/mentor leave`. Your Home tab shows all of it."
            ),
        ],
    }


def paused(resume_on: date) -> dict[str, Any]:
    when = day(resume_on)
    text = (
        f":double_vertical_bar: You're paused until {when}. You won't be matched or nudged "
        f"until then, and I'll welcome you back that day. `/mentor resume` ends it sooner."
    )
    return message(text, [section(text)])


def resumed(*, automatic: bool) -> dict[str, Any]:
    lead = "Your pause is over: welcome back!" if automatic else "Welcome back!"
    text = (
        f":wave: {lead} You're active in Flipside again and will be included in the next "
        "matching round."
    )
    return message(text, [section(text)])


def left() -> dict[str, Any]:
    text = (
        ":wave: You've left Flipside and your profile, topics, goals and private lists are "
        "erased. Thank you for taking part. If you ever want to come back, `/mentor join` "
        "starts afresh."
    )
    return message(text, [section(text)])
