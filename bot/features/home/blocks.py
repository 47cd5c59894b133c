"""The App Home tab: a person's own page, and for admins the program at a glance."""

from __future__ import annotations

from bot.domain.kits import NewBriefing, Progress
from bot.domain.lifecycle import PairingStatus, ParticipantStatus
from bot.domain.notes import ActionItemInfo
from bot.domain.pairing import MyPairing, Side
from bot.domain.profile import Profile
from bot.domain.program import Overview
from bot.domain.sessions import SessionInfo
from bot.domain.summary import Summary
from bot.features.joining.messages import summary_lines
from bot.features.sessions.messages import session_buttons, when
from bot.features.summaries.messages import glance
from bot.kit.blocks import Json, actions, button, context, divider, header, md, plain, section
from bot.kit.ids import Action, numbered
from bot.kit.ids import Block as B
from bot.kit.payloads import BriefingRef, ItemRef, PairingRef
from bot.kit.text import date_token, day, escape

WAITING_SHOWN = 20
PAIRINGS_SHOWN = 3  # capacity is at most 3
ITEMS_SHOWN = 8
Sessions = dict[int, tuple[SessionInfo | None, SessionInfo | None]]


def home_view(
    user_id: str,
    profile: Profile | None,
    overview: Overview | None,
    pairings: list[MyPairing] | None = None,
    sessions: Sessions | None = None,
    items: list[ActionItemInfo] | None = None,
    briefings: list[NewBriefing] | None = None,
    progress: Progress | None = None,
    summary: Summary | None = None,
) -> Json:
    blocks = [header("Flipside reverse mentoring")]
    if profile:
        blocks += _briefings(briefings or [])
        blocks += _own_page(profile, pairings or [], sessions or {}, items or [])
        blocks += _progress(progress)
    else:
        blocks += _welcome(user_id)
    if overview is not None:
        blocks += _admin_panel(overview)
        blocks += glance(summary)
    return {"type": "home", "blocks": blocks[:100]}


def _welcome(user_id: str) -> list[Json]:
    return [
        section(
            f"Hi <@{user_id}>! Flipside pairs early-career colleagues who teach with leaders who "
            "want to learn, and the learning flows both ways: leaders share career insight back.",
            block_id=B.HOME_WELCOME,
        ),
        divider(),
        section(
            "*How it works*\n"
            "1. You opt in and say what you can share and what you want to learn.\n"
            "2. The program team runs a matching round and I introduce you to your partner.\n"
            "3. You book short sessions here in Slack; I keep your notes and send reminders.",
            block_id=B.HOME_HOW,
        ),
        actions(
            B.HOME_ACTIONS,
            [
                button("Join the program", Action.HOME_JOIN, style="primary"),
                button("Show commands", Action.HOME_HELP),
            ],
        ),
        context("Or type `/mentor join` in any channel."),
    ]


def _status(profile: Profile, partners: int) -> str:
    if profile.status == ParticipantStatus.PAUSED and profile.paused_until:
        return f":double_vertical_bar: *Paused* until {day(profile.paused_until)}"
    if profile.status == ParticipantStatus.PAUSED:
        return ":double_vertical_bar: *Paused*: press *Resume now* when you're ready to take part"
    if partners >= profile.summary.capacity:
        return ":large_green_circle: *Active* and paired: enjoy your sessions"
    return ":large_green_circle: *Active*: you'll be included in the next matching round"


def _next_and_last(p: MyPairing, sessions: Sessions) -> tuple[str, Json]:
    """The pairing's session lines, and its actions: *Book a session*, or the next one's
    *Reschedule* and *Cancel session*."""
    upcoming, last = sessions.get(p.id, (None, None))
    lines = []
    if upcoming is not None:
        lines.append(f"*Next session:* {when(upcoming)} · {escape(upcoming.topic_label)}")
    else:
        lines.append(
            "_Next session: none booked yet. The leader proposes a time; either of "
            "you can book it here._"
        )
    if last is not None:
        lines.append(f"Last session: {date_token(last.starts_at)}")
    buttons = [
        button(
            "Book a session",
            numbered(Action.BOOK_SESSION, p.id),
            value=PairingRef(pairing_id=p.id).dump(),
            style=None if upcoming else "primary",
        )
    ]
    if upcoming is not None:
        buttons = session_buttons(upcoming) + buttons
    buttons.append(
        button(
            "Log notes",
            numbered(Action.LOG_NOTES, p.id),
            value=PairingRef(pairing_id=p.id).dump(),
        )
    )
    if p.status != PairingStatus.ACTIVE:
        buttons = []
    return "\n".join(lines), actions(f"{B.HOME_SESSIONS}_{p.id}", buttons) if buttons else {}


def _pairing_blocks(pairings: list[MyPairing], sessions: Sessions) -> list[Json]:
    if not pairings:
        return [
            section(
                "*Your partner and next session*\nNot matched yet. When the program team runs "
                "the next matching round, I'll introduce you to your partner in a group message, "
                "and your sessions will show here.",
                block_id=B.HOME_PAIRING,
            )
        ]
    heading = "*Your partner*" if len(pairings) == 1 else "*Your partners*"
    out = [section(heading, block_id=B.HOME_PAIRING)]
    for p in pairings[:PAIRINGS_SHOWN]:
        side = (
            "You share what you know; they share career insight back"
            if p.i_am == Side.MENTOR
            else "They share what they know; you share career insight back"
        )
        title = f", {escape(p.partner_title)}" if p.partner_title else ""
        paused = (
            "  ·  :double_vertical_bar: paused for a break"
            if p.status == PairingStatus.PAUSED
            else ""
        )
        since = date_token(p.since)
        lines, buttons = _next_and_last(p, sessions)
        out.append(
            {
                "type": "section",
                "block_id": f"{B.HOME_PAIRING}_{p.id}",
                "text": md(
                    f"<@{p.partner_id}>{title}\n{side}. Paired since {since}{paused}.\n{lines}"
                ),
                "accessory": {
                    "type": "overflow",
                    "action_id": numbered(Action.HOME_END_PAIRING, p.id),
                    "options": [
                        {
                            "text": plain("End this pairing…"),
                            "value": PairingRef(pairing_id=p.id).dump(),
                        },
                    ],
                },
            }
        )
        if buttons:
            out.append(buttons)
    return out


def _briefings(briefings: list[NewBriefing]) -> list[Json]:
    out: list[Json] = []
    for b in briefings[:3]:
        ref = BriefingRef(briefing_id=b.id).dump()
        with_whom = f" with <@{b.partner_id}>" if b.partner_id else ""
        out.append(
            section(
                f":new: *Your briefing for your first session{with_whom}* is in our DMs.",
                block_id=f"{B.HOME_BRIEFINGS}_{b.id}",
            )
        )
        out.append(
            actions(
                f"{B.HOME_BRIEFINGS}_actions_{b.id}",
                [
                    button("Show me the kit", Action.SHOW_KIT, value=ref),
                    button("Got it", Action.GOT_IT, value=ref),
                ],
            )
        )
    return out


def _progress(progress: Progress | None) -> list[Json]:
    """Theirs alone: nobody else's Home, and no admin, sees it."""
    if progress is None or not progress.held:
        return []
    lines = ["*Your progress* (only you see this)", f"Sessions held: {progress.held}"]
    if progress.topics:
        lines.append("Topics covered: " + ", ".join(escape(t) for t in progress.topics))
    confidence = progress.confidence_line()
    if confidence:
        lines.append(f"Your confidence sharing what you know: {confidence}")
    return [section("\n".join(lines), block_id=B.HOME_PROGRESS)]


def _items(items: list[ActionItemInfo]) -> list[Json]:
    """Their open action items, each with *Done*."""
    if not items:
        return []
    out: list[Json] = [section("*Your action items*", block_id=B.HOME_ITEMS)]
    for item in items[:ITEMS_SHOWN]:
        due = f" · due {day(item.due)}" if item.due else ""
        out.append(
            {
                "type": "section",
                "block_id": f"{B.HOME_ITEMS}_{item.id}",
                "text": md(f":black_square_button: {escape(item.text[:300])}{due}"),
                "accessory": button(
                    "Done",
                    numbered(Action.ITEM_DONE, item.id),
                    value=ItemRef(item_id=item.id).dump(),
                ),
            }
        )
    if len(items) > ITEMS_SHOWN:
        out.append(context(f"…and {len(items) - ITEMS_SHOWN} more in `/mentor notes`."))
    return out


def _own_page(
    profile: Profile, pairings: list[MyPairing], sessions: Sessions, items: list[ActionItemInfo]
) -> list[Json]:
    pause = (
        button("Resume now", Action.HOME_RESUME)
        if profile.status == ParticipantStatus.PAUSED
        else button("Pause", Action.HOME_PAUSE)
    )
    return [
        section(_status(profile, len(pairings)), block_id=B.HOME_WELCOME),
        section(
            "*Your profile*\n" + "\n".join(summary_lines(profile.summary)), block_id=B.HOME_PROFILE
        ),
        *_pairing_blocks(pairings, sessions),
        *_items(items),
        actions(
            B.HOME_ACTIONS,
            [
                button("Edit profile", Action.HOME_EDIT, style="primary"),
                pause,
                button("Leave", Action.HOME_LEAVE, style="danger"),
                button("Show commands", Action.HOME_HELP),
            ],
        ),
    ]


def _at_risk(overview: Overview) -> list[Json]:
    """Names and days without a session; nothing of what anyone answered or wrote."""
    if not overview.at_risk:
        return []
    lines = [
        f"<@{m}> & <@{ld}> · {d} days without a session"
        for m, ld, d in overview.at_risk[:WAITING_SHOWN]
    ]
    more = len(overview.at_risk) - WAITING_SHOWN
    if more > 0:
        lines.append(f"…and {more} more")
    head = f"*:warning: Pairs at risk ({len(overview.at_risk)})*"
    return [section(head + "\n" + "\n".join(lines), block_id=B.HOME_AT_RISK)]


def _admin_panel(overview: Overview) -> list[Json]:
    roles = overview.by_role
    statuses = overview.by_status
    waiting = overview.waiting
    pairs = overview.pairs
    latest = "None yet"
    if overview.latest_round:
        number, state = overview.latest_round
        latest = f"#{number}, {state}"
    names = ", ".join(f"<@{u}>" for u in waiting[:WAITING_SHOWN])
    if len(waiting) > WAITING_SHOWN:
        names += f" and {len(waiting) - WAITING_SHOWN} more"
    return [
        divider(),
        header("Program at a glance (admins)"),
        {
            "type": "section",
            "block_id": B.HOME_ADMIN,
            "fields": [
                {"type": "mrkdwn", "text": f"*Sharing (reverse mentors)*\n{roles.get('share', 0)}"},
                {"type": "mrkdwn", "text": f"*Learning (leaders)*\n{roles.get('learn', 0)}"},
                {"type": "mrkdwn", "text": f"*Both*\n{roles.get('both', 0)}"},
                {"type": "mrkdwn", "text": f"*Paused*\n{statuses.get('paused', 0)}"},
                {"type": "mrkdwn", "text": f"*Active pairs*\n{pairs.get('active', 0)}"},
                {"type": "mrkdwn", "text": f"*Pairs on a break*\n{pairs.get('paused', 0)}"},
                {
                    "type": "mrkdwn",
                    "text": f"*Pairs ended early*\n{pairs.get('ended_by_participant', 0)}",
                },
                {"type": "mrkdwn", "text": f"*Latest round*\n{latest}"},
            ],
        },
        section(f"*Waiting for a match ({len(waiting)})*\n{names or 'Nobody yet.'}"),
        *_at_risk(overview),
        actions(
            B.HOME_ADMIN_ACTIONS,
            [
                button("Run a matching round", Action.HOME_MATCH, style="primary"),
                button("Program settings", Action.HOME_SETTINGS),
            ],
        ),
        context("Admins see who takes part and counts; never anyone's notes or private lists."),
    ]
