"""What a session sends, queued in the caller's transaction: the card, the calendar file, the
reminders and the notes about a change, all in the pair's group DM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import ics
from bot.domain.delivery import Action
from bot.domain.lifecycle import SessionStatus
from bot.domain.sessions import SessionInfo, offset_label, reminder_plan
from bot.features.sessions import messages as msg
from bot.features.sessions import records
from bot.platform.db.models import MentoringSession, Pairing
from bot.platform.outbox import OutboundMessage, SentLetter, Upload, cancel, enqueue

CARD = "session-card"


def reminders_owner(session_id: int) -> str:
    return f"session:{session_id}"


def _to_pair(pairing: Pairing) -> dict[str, Any]:
    """The pair's group DM once the introduction's post told us its id, else its members
    (the sender opens the same group DM)."""
    if pairing.conversation_id:
        return {"channel": pairing.conversation_id}
    return {"users": (pairing.mentor_user_id, pairing.leader_user_id)}


async def post_to_pair(
    session: AsyncSession,
    pairing: Pairing,
    key: str,
    body: dict[str, Any],
    now: datetime,
    **more: Any,
) -> bool:
    return await enqueue(
        session,
        OutboundMessage(
            team_id=pairing.team_id,
            dedup_key=key,
            kind=key.split(":", 1)[0],
            text=body["text"],
            blocks=body.get("blocks"),
            owner=more.pop("owner", f"pairing:{pairing.id}"),
            **_to_pair(pairing),
            **more,
        ),
        now,
    )


async def card(session: AsyncSession, s: SessionInfo, pairing: Pairing, now: datetime) -> None:
    await post_to_pair(session, pairing, f"{CARD}:{s.id}", msg.card(s, now), now)


async def card_update(
    session: AsyncSession,
    row: MentoringSession,
    s: SessionInfo,
    now: datetime,
    *,
    version: str | None = None,
) -> None:
    """Redraw the card in place, once Slack told us where it is; before that, the card's
    on-sent hook draws it again when it sees it changed."""
    if not (row.card_channel and row.card_ts):
        return
    body = msg.card(s, now)
    await enqueue(
        session,
        OutboundMessage(
            team_id=row.team_id,
            dedup_key=f"{CARD}:{s.id}:{version or f'v{s.sequence}'}",
            kind="session-card-update",
            text=body["text"],
            blocks=body["blocks"],
            channel=row.card_channel,
            ts=row.card_ts,
            action=Action.UPDATE,
        ),
        now,
    )


async def card_after_meeting(session: AsyncSession, session_id: int, now: datetime) -> None:
    """Once a session is marked held or missed, its card says so (once per outcome)."""
    row = await session.get(MentoringSession, session_id)
    pairing = await session.get(Pairing, row.pairing_id) if row is not None else None
    if (
        row is None
        or pairing is None
        or row.status not in (SessionStatus.HELD, SessionStatus.MISSED)
    ):
        return
    s = await records.info(session, row, pairing)
    await card_update(session, row, s, now, version=str(row.status))


async def calendar_file(
    session: AsyncSession, s: SessionInfo, pairing: Pairing, now: datetime, *, cancel: bool = False
) -> None:
    """The session's .ics; a cancel's goes out even when the pairing's own messages are taken
    back (the pairing ended, someone left), since it is what removes the entry."""
    data = ics(msg.event(s, now), cancel=cancel)
    name = "flipside-session-cancelled.ics" if cancel else "flipside-session.ics"
    await post_to_pair(
        session,
        pairing,
        f"session-ics:{s.id}:{s.sequence}",
        {"text": msg.calendar_comment(s, cancel=cancel)},
        now,
        action=Action.UPLOAD,
        file=Upload(name, data, title="Cancelled session" if cancel else "Add to your calendar"),
        **({"owner": None} if cancel else {}),
    )


async def reminders(
    session: AsyncSession,
    s: SessionInfo,
    pairing: Pairing,
    offsets: Sequence[timedelta],
    now: datetime,
) -> None:
    """One per offset still ahead, each too late once the next is due; the keys carry the
    session's sequence, so a reschedule's new reminders never collide with the old ones."""
    for offset, due, too_late in reminder_plan(s.starts_at, offsets, now):
        await post_to_pair(
            session,
            pairing,
            f"reminder:{s.id}:{s.sequence}:{offset_label(offset)}",
            msg.reminder(s, offset),
            now,
            owner=reminders_owner(s.id),
            due_at=due,
            expires_at=too_late,
        )


async def take_back_reminders(
    session: AsyncSession, team_id: str, session_id: int, now: datetime
) -> None:
    await cancel(session, team_id, now, owner=reminders_owner(session_id))


async def on_sent(session: AsyncSession, sent: SentLetter) -> None:
    """On-sent hook: the card was posted; keep where it is, and redraw it at once if the
    session changed while the card was on its way."""
    if sent.kind != CARD or not sent.dedup_key.startswith(f"{CARD}:"):
        return
    raw = sent.dedup_key.removeprefix(f"{CARD}:")
    if not raw.isdigit():
        return
    row = await session.scalar(
        select(MentoringSession)
        .where(MentoringSession.id == int(raw), MentoringSession.team_id == sent.team_id)
        .with_for_update()
    )
    if row is None:
        return
    row.card_channel, row.card_ts = sent.sent_channel, sent.ts
    pairing = await session.get(Pairing, row.pairing_id)
    if pairing is None:
        return
    pairing.conversation_id = pairing.conversation_id or sent.sent_channel
    if row.sequence > 0 or row.status != SessionStatus.BOOKED:
        await card_update(session, row, await records.info(session, row, pairing), sent.at)
