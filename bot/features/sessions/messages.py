"""What the pair reads about a session: the card, the reminders, what changed, the lists."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.calendar import CalendarEvent, google_link, outlook_link
from bot.domain.lifecycle import SessionStatus
from bot.domain.sessions import SessionInfo, is_link
from bot.kit.blocks import Block, actions, button, context, link_button, message, section
from bot.kit.ids import Action, numbered
from bot.kit.ids import Block as B
from bot.kit.payloads import PairingRef, SessionRef
from bot.kit.text import date_token, esc, mention, plural

CARD_FOOTER = (
    "Times show in your own time zone. Add it to your calendar with a button, or open the "
    "calendar file I put below (Outlook, Apple Calendar)."
)


def when(s: SessionInfo) -> str:
    return f"{date_token(s.starts_at, with_time=True)} ({s.minutes} min)"


def _where(s: SessionInfo) -> str:
    if not s.place:
        return "_not set yet: agree it here_"
    if is_link(s.place):
        url = s.place.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E")
        return f"<{url.replace('|', '%7C')}|{esc(s.place, 80)}>"
    return esc(s.place, 300)


def event(s: SessionInfo, stamp: datetime) -> CalendarEvent:
    """The session as a calendar event (file and links)."""
    details = f"Focus: {s.topic_label}"
    if s.agenda:
        details += f"\n\nAgenda:\n{s.agenda}"
    details += "\n\nBooked in Slack with Flipside."
    return CalendarEvent(
        uid=s.calendar_uid,
        sequence=s.sequence,
        starts_at=s.starts_at,
        minutes=s.minutes,
        title=s.title,
        description=details,
        location=s.place,
        stamp=stamp,
    )


def session_buttons(s: SessionInfo) -> list[dict[str, Any]]:
    ref = SessionRef(session_id=s.id).dump()
    return [
        button("Reschedule", numbered(Action.RESCHEDULE, s.id), value=ref),
        button("Cancel session", numbered(Action.CANCEL_SESSION, s.id), value=ref, style="danger"),
    ]


def card(s: SessionInfo, stamp: datetime) -> dict[str, Any]:
    """The session card in the pair's group DM; updated in place when it changes."""
    facts = "\n".join(
        [
            f"*When:* {when(s)}",
            f"*Focus:* {esc(s.topic_label, 80)}",
            f"*Where:* {_where(s)}",
            f"*Booked by:* {mention(s.booked_by)}",
        ]
    )
    if s.status == SessionStatus.CANCELLED:
        who = f" by {mention(s.cancelled_by)}" if s.cancelled_by else ""
        blocks: list[Block] = [
            section(f":x: *Session cancelled*{who}\n~{date_token(s.starts_at, with_time=True)}~"),
            actions(
                f"{B.SESSION_ACTIONS}_{s.id}",
                [
                    button(
                        "Book a session",
                        Action.BOOK_SESSION,
                        value=PairingRef(pairing_id=s.pairing_id).dump(),
                    )
                ],
            ),
        ]
        return message(f"Session cancelled: {_fallback(s)}", blocks)
    if s.status in (SessionStatus.HELD, SessionStatus.MISSED):
        return _after(s, facts)
    blocks = [section(f":calendar: *Session booked*\n{facts}", block_id=B.SESSION_CARD)]
    if s.agenda:
        blocks.append(section(f"*Agenda*\n{esc(s.agenda, 2800)}"))
    ev = event(s, stamp)
    blocks += [
        actions(
            f"{B.SESSION_ACTIONS}_{s.id}",
            [
                *session_buttons(s),
                button("Log notes", Action.LOG_NOTES, value=SessionRef(session_id=s.id).dump()),
                *(
                    [
                        button(
                            "Topic kit",
                            Action.SESSION_KIT,
                            value=SessionRef(session_id=s.id).dump(),
                        )
                    ]
                    if s.topic
                    else []
                ),
                link_button("Add to Google Calendar", Action.GOOGLE_CALENDAR, google_link(ev)),
                link_button("Add to Outlook", Action.OUTLOOK_CALENDAR, outlook_link(ev)),
            ],
        ),
        context(CARD_FOOTER),
    ]
    return message(f"Session booked: {_fallback(s)}", blocks)


def _after(s: SessionInfo, facts: str) -> dict[str, Any]:
    """The card once the pair said whether they met: no more rescheduling; notes, or the next
    booking."""
    book = button(
        "Book a session", Action.BOOK_SESSION, value=PairingRef(pairing_id=s.pairing_id).dump()
    )
    if s.status == SessionStatus.HELD:
        head, title = ":white_check_mark: *Session held*", "Session held"
        buttons = [
            button("Log notes", Action.LOG_NOTES, value=SessionRef(session_id=s.id).dump()),
            book,
        ]
    else:
        head, title = ":grey_question: *This session didn't happen*", "Session didn't happen"
        buttons = [book]
    blocks: list[Block] = [
        section(f"{head}\n{facts}", block_id=B.SESSION_CARD),
        actions(f"{B.SESSION_ACTIONS}_{s.id}", buttons),
    ]
    return message(f"{title}: {_fallback(s)}", blocks)


def _fallback(s: SessionInfo) -> str:
    return f"{s.starts_at:%a %d %b %Y, %H:%M} UTC, {s.minutes} min"


def calendar_comment(s: SessionInfo, *, cancel: bool = False) -> str:
    if cancel:
        return (
            "Calendar file for the cancelled session: open it in Outlook or Apple Calendar to "
            "remove the entry. In Google Calendar, delete the entry yourself."
        )
    return "Calendar file for this session (opens in Outlook, Apple Calendar and others)."


def moved(s: SessionInfo, by: str) -> dict[str, Any]:
    text = (
        f":arrows_counterclockwise: {mention(by)} moved your session to {when(s)}. "
        "If you added the old time to your calendar, please delete that entry: a file in "
        "Slack can't change anyone's calendar. The card above shows the new time, with new "
        "calendar links and a new file."
    )
    return message(f"Session moved to {_fallback(s)}", [section(text)])


def details(s: SessionInfo, by: str) -> dict[str, Any]:
    text = (
        f":pencil2: {mention(by)} updated the details of your session on {when(s)}: the card "
        "above shows them, and the new calendar file below replaces the old one."
    )
    return message(f"Session details updated: {_fallback(s)}", [section(text)])


def cancelled(s: SessionInfo, by: str | None, why: str = "") -> dict[str, Any]:
    who = f"{mention(by)} cancelled" if by else "I cancelled"
    text = (
        f":x: {who} your session on {date_token(s.starts_at, with_time=True)}{why}. "
        "If it is in your calendar, please delete it there (the file below removes it in "
        "Outlook and Apple Calendar). You can book another time whenever it suits you."
    )
    return message(f"Session cancelled: {_fallback(s)}", [section(text)])


def reason_for_partner(s: SessionInfo, by: str, reason: str) -> dict[str, Any]:
    """The cancel's reason, for the partner alone."""
    quoted = "\n".join(f"> {line}" for line in esc(reason, 500).splitlines() or [""])
    text = (
        f"{mention(by)} cancelled your session on {date_token(s.starts_at, with_time=True)} "
        f"and left you a word (only you see this):\n{quoted}"
    )
    summary = f"Your session on {_fallback(s)} was cancelled: {esc(reason, 300)}"
    return message(summary, [section(text)])


def reminder(s: SessionInfo, offset: timedelta) -> dict[str, Any]:
    """A reminder in the pair's group DM; the last one before the session repeats the agenda
    and the link."""
    lines = [
        f":alarm_clock: *Coming up:* your session, {when(s)}.",
        f"*Focus:* {esc(s.topic_label, 80)}  ·  *Where:* {_where(s)}",
    ]
    if offset <= timedelta(hours=1) and s.agenda:
        lines.append(f"*Agenda*\n{esc(s.agenda, 2000)}")
    blocks: list[Block] = [
        section("\n".join(lines)),
        actions(f"{B.SESSION_ACTIONS}_{s.id}", session_buttons(s)),
    ]
    return message(f"Reminder: your Flipside session, {_fallback(s)}", blocks)


def booked_notice(s: SessionInfo, me: str, odd: list[str], *, rescheduled: bool) -> str:
    partner = s.partner_of(me)
    done = "Moved" if rescheduled else "Booked"
    text = (
        f":white_check_mark: *{done}:* your session with {mention(partner.user_id)}, "
        f"{when(s)}. The card with calendar links is in your group message"
        + (", and reminders will follow." if not rescheduled else "; the reminders moved too.")
    )
    if odd:
        notes = "; ".join(esc(n, 200) for n in odd)
        text += f"\n:information_source: Just so you know: {notes}."
    return text


def session_lines(s: SessionInfo, me: str) -> str:
    partner = s.partner_of(me)
    line = f"{when(s)} with {mention(partner.user_id)} · {esc(s.topic_label, 80)}"
    if s.status == SessionStatus.CANCELLED:
        return f"~{line}~ (cancelled)"
    return line


def sessions_list(upcoming: list[SessionInfo], recent: list[SessionInfo], me: str) -> Any:
    """`/mentor sessions`: what is coming, with its actions, and the latest past ones."""
    if not upcoming and not recent:
        return message(
            "No sessions yet",
            [
                section(
                    "You have no sessions yet. Press *Book a session* on your introduction or "
                    "your Home tab, or type `/mentor book`."
                )
            ],
        )
    blocks: list[Block] = [section(f"*Upcoming ({len(upcoming)})*" if upcoming else "*Upcoming*")]
    if not upcoming:
        blocks.append(section("Nothing booked. `/mentor book` finds a time."))
    for s in upcoming[:10]:
        blocks.append(section(session_lines(s, me)))
        blocks.append(actions(f"{B.SESSION_ACTIONS}_{s.id}", session_buttons(s)))
    if len(upcoming) > 10:
        blocks.append(context(f"…and {plural(len(upcoming) - 10, 'more session')}."))
    if recent:
        blocks.append(section("*Recent*\n" + "\n".join(session_lines(s, me) for s in recent[:5])))
    return message(f"Your sessions: {len(upcoming)} upcoming", blocks)
