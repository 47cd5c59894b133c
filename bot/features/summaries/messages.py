"""The summary as a Slack message, and its few figures for the admin's Home. Pure builders:
they show what `domain.summary` decided an admin may read, and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.privacy import TOO_FEW
from bot.domain.summary import Figure, Summary
from bot.kit.blocks import actions, button, context, divider, header, section
from bot.kit.ids import Action
from bot.kit.ids import Block as B
from bot.kit.text import esc, fit, mention

Json = dict[str, Any]
ROLE_NAMES = {"share": "Sharing", "learn": "Learning", "both": "Both"}
AT_RISK_SHOWN = 15
TOPICS_SHOWN = 12
PRIVACY_LINE = (
    "Aggregates only: never a note, an answer's text or one person's rating. A figure about "
    "fewer than {k} people reads “too few to show”."
)


def _field(label: str, value: str) -> Json:
    return {"type": "mrkdwn", "text": f"*{label}*\n{value}"[:2000]}


def _cells(cells: Mapping[str, int | None], names: Mapping[str, str] | None = None) -> str:
    parts = [
        f"{esc((names or {}).get(c, c), 60)} {TOO_FEW if n is None else n}"
        for c, n in cells.items()
    ]
    return fit(parts, 1800, sep=" · ") or "Nobody yet"


def _compared(s: Summary) -> str:
    if s.period.previous is None:
        return "No comparison: this is the whole program so far."
    return f"Changes in brackets are against the {s.period.label.removeprefix('the ')} before."


def _confidence(s: Summary) -> str:
    first, latest = s.confidence_first, s.confidence_latest
    if first.hidden or latest.shown.hidden:
        return TOO_FEW
    return f"first {first.text('{:.1f}')} → latest {latest.text()}"


def _topics(s: Summary) -> str:
    lines = []
    for topic in list(s.demand)[:TOPICS_SHOWN]:
        wanted, offered = s.demand[topic], s.supply.get(topic)
        lines.append(
            f"• {esc(topic, 80)}: want to learn {TOO_FEW if wanted is None else wanted} · "
            f"can share {TOO_FEW if offered is None else offered}"
        )
    gap = ", ".join(esc(t, 80) for t, _, _ in s.gap[:5])
    lines.append(
        f"*Worth recruiting for* (more learners than sharers): {gap}"
        if gap
        else "_No topic shows more learners than sharers._"
    )
    return "\n".join(lines)[:3000]


def _at_risk(s: Summary) -> list[Json]:
    if not s.at_risk:
        return [section("*Pairs at risk*\nNone right now.", block_id=B.SUMMARY_AT_RISK)]
    lines = [
        f"{mention(m)} & {mention(ld)} · {d} days without a session"
        for m, ld, d in s.at_risk[:AT_RISK_SHOWN]
    ]
    if len(s.at_risk) > AT_RISK_SHOWN:
        lines.append(f"…and {len(s.at_risk) - AT_RISK_SHOWN} more (see the Home tab)")
    head = f"*Pairs at risk ({len(s.at_risk)})*"
    return [section(head + "\n" + "\n".join(lines), block_id=B.SUMMARY_AT_RISK)]


def _pct(f: Figure) -> str:
    return f.text()


def summary_message(s: Summary, *, weekly: bool = False) -> Json:
    title = ("Weekly digest: " if weekly else "Program summary: ") + s.period.label
    people = [
        _field("Participants", s.participants.text()),
        _field("Joined", s.joined.text()),
        _field("On a break", str(s.paused_people)),
        _field("By role", _cells(s.by_role, ROLE_NAMES)),
        _field("By level", _cells(s.by_level)),
    ]
    pairs = [
        _field("Active pairs", str(s.active_pairs)),
        _field("Pairs during the period", s.live_pairs.text()),
        _field("Pairs on a break", str(s.paused_pairs)),
        _field("Pairs ended early", s.ended_early.text()),
        _field("Sessions held", s.held.text()),
        _field("Sessions upcoming", str(s.upcoming)),
        _field("Share of active pairs that met", _pct(s.share_met)),
    ]
    polls = [
        _field("Poll response rate", _pct(s.response_rate)),
        _field("Value to leaders (junior → leader)", s.value_to_leaders.text()),
        _field("Value to reverse mentors (leader → junior)", s.value_to_mentors.text()),
        _field("Reverse mentors' confidence", _confidence(s)),
    ]
    delivery = (
        f"*Delivery health*\nMessages sent {s.sent.text()} · waiting {s.waiting_messages} · "
        f"failed {s.failed.text()}"
    )
    blocks = [
        header(title[:150]),
        context(_compared(s)),
        {"type": "section", "block_id": B.SUMMARY_PEOPLE, "fields": people},
        {"type": "section", "block_id": B.SUMMARY_PAIRS, "fields": pairs},
        {"type": "section", "block_id": B.SUMMARY_POLLS, "fields": polls},
        section("*Topics in demand and on offer*\n" + _topics(s), block_id=B.SUMMARY_TOPICS),
        *_at_risk(s),
        section(delivery, block_id=B.SUMMARY_DELIVERY),
        context(PRIVACY_LINE.format(k=s.k)),
    ]
    text = (
        f"{title}: {s.held.shown.text()} sessions held, {s.active_pairs} active pairs, "
        f"pairs that met {s.share_met.shown.text('{:.0%}')}."
    )
    return {"text": text, "blocks": blocks}


def chart_comment(s: Summary) -> str:
    return f"Sessions per week and topics on offer against demand ({s.period.label})."


def glance(s: Summary | None) -> list[Json]:
    """The admin's Home: a few figures of the last 30 days and the two buttons."""
    buttons = actions(
        B.HOME_SUMMARY_ACTIONS,
        [
            button("Post a summary", Action.POST_SUMMARY, style="primary"),
            button("Export CSV", Action.EXPORT_CSV),
        ],
    )
    if s is None:
        return [buttons]
    fields = [
        _field("Sessions held", s.held.text()),
        _field("Pairs that met", _pct(s.share_met)),
        _field("Poll response rate", _pct(s.response_rate)),
        _field("Value to leaders", s.value_to_leaders.text()),
    ]
    return [
        divider(),
        section(f"*Program summary: {s.period.label}*", block_id=B.HOME_SUMMARY),
        {"type": "section", "fields": fields},
        buttons,
        context(PRIVACY_LINE.format(k=s.k)),
    ]
