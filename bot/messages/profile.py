"""Direct messages about a person's own participation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.profile import DAY_LABELS, TIME_LABELS
from bot.domain.program import Role

ROLE_LABELS = {
    Role.SHARE: "Share what I know (reverse mentor)",
    Role.LEARN: "Learn (leader)",
    Role.BOTH: "Both share and learn",
}


@dataclass(frozen=True)
class ProfileSummary:
    """What the person told us, in words, for messages and the Home tab."""

    role: str
    level: str
    department: str
    share: tuple[str, ...]
    learn: tuple[str, ...]
    goals: str
    days: tuple[str, ...]
    times: tuple[str, ...]
    capacity: int
    blocked_count: int
    status: str
    paused_until: date | None


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


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
            _section(head),
            _section("\n".join(summary_lines(p))),
            _section(f"*What happens next:* {next_step}"),
            _context(
                "Change anything with `/mentor profile`, take a break with `/mentor pause`, "
                "or leave with `/mentor leave`. Your Home tab shows all of it."
            ),
        ],
    }


def paused(resume_on: date) -> dict[str, Any]:
    when = f"{resume_on:%A} {resume_on.day} {resume_on:%B %Y}"
    text = (
        f":double_vertical_bar: You're paused until {when}. You won't be matched or nudged "
        f"until then, and I'll welcome you back that day. `/mentor resume` ends it sooner."
    )
    return {"text": text, "blocks": [_section(text)]}


def resumed(*, automatic: bool) -> dict[str, Any]:
    lead = "Your pause is over: welcome back!" if automatic else "Welcome back!"
    text = (
        f":wave: {lead} You're active in Flipside again and will be included in the next "
        "matching round."
    )
    return {"text": text, "blocks": [_section(text)]}


def left() -> dict[str, Any]:
    text = (
        ":wave: You've left Flipside and your profile, topics, goals and private lists are "
        "erased. Thank you for taking part. If you ever want to come back, `/mentor join` "
        "starts afresh."
    )
    return {"text": text, "blocks": [_section(text)]}
