"""The tables of a pair's sessions: the sessions themselves, each member's answers about one,
the pair's notes with their action items, the briefings before a first session and the
workspace's own topic kits. Every row carries its `team_id`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.lifecycle import SessionStatus
from bot.platform.db.base import Base
from bot.platform.db.types import TEAM_ID, USER_ID, EnumText


class MentoringSession(Base):
    """A session a pair booked. Times are UTC; each reader sees them in their own zone.

    `booked_via` is the id of the modal that booked it: a double submit or a Slack retry of the
    same modal finds the row it already made. `sequence` rises on every reschedule and on the
    cancel, as calendar files require; `calendar_uid` never changes."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("team_id", "booked_via"),
        UniqueConstraint("calendar_uid"),
        CheckConstraint("status IN ('booked', 'cancelled', 'held', 'missed')", name="status"),
        CheckConstraint("minutes BETWEEN 15 AND 240", name="minutes"),
        Index("ix_sessions_team_pairing", "team_id", "pairing_id"),
        # Covers the summary's counts (held, met, upcoming) by time, without reading the rows.
        Index("ix_sessions_summary", "team_id", "starts_at", "status", "pairing_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    starts_at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(75), default="")  # "": something else
    agenda: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[SessionStatus] = mapped_column(
        EnumText(SessionStatus, 10), default=SessionStatus.BOOKED
    )
    calendar_uid: Mapped[str] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    booked_by: Mapped[str] = mapped_column(USER_ID)
    booked_via: Mapped[str] = mapped_column(String(64))
    cancelled_by: Mapped[str | None] = mapped_column(USER_ID)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # The card in the pair's group DM, as Slack answered when it was posted.
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class SessionFeedback(Base):
    """One member's answers about one session: did we meet, and the poll. Private to its
    author: never shown to the partner, and to admins only inside aggregates.

    The row is made when the question is first sent; the DM it went in is kept so it can be
    updated in place."""

    __tablename__ = "session_feedback"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("met IN ('yes', 'reschedule', 'no')", name="met"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value"),
        CheckConstraint("confidence BETWEEN 1 AND 5", name="confidence"),
        CheckConstraint("shared_back IN ('yes', 'a_little', 'not_this_time')", name="shared_back"),
        # Cover the summary's poll figures and each mentor's first and latest confidence.
        Index(
            "ix_session_feedback_summary",
            "team_id",
            "asked_at",
            "side",
            "met",
            "answered_at",
            "value",
            "user_id",
        ),
        Index(
            "ix_session_feedback_confidence",
            "team_id",
            "side",
            "user_id",
            "answered_at",
            "confidence",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(USER_ID)
    side: Mapped[str] = mapped_column(String(8))  # mentor | leader
    asked_at: Mapped[datetime]
    asked_again_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # expired unanswered, or the edit window ended
    met: Mapped[str | None] = mapped_column(String(12))
    value: Mapped[int | None] = mapped_column(Integer)
    learned: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[int | None] = mapped_column(Integer)
    shared_back: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))


class SessionNote(Base):
    """A pair's note, written by one of the two; both read it, its author edits it."""

    __tablename__ = "session_notes"
    __table_args__ = (Index("ix_session_notes_team_pairing", "team_id", "pairing_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    author_user_id: Mapped[str] = mapped_column(USER_ID)
    covered: Mapped[str] = mapped_column(Text, default="")
    taught: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    items: Mapped[list[ActionItem]] = relationship(
        back_populates="note",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ActionItem.position",
    )


class ActionItem(Base):
    """Something one or both of a pair will do, from a note; reminded on its due date."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("owner IN ('me', 'partner', 'both')", name="owner"),
        Index("ix_action_items_team_pairing", "team_id", "pairing_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    note_id: Mapped[int] = mapped_column(ForeignKey("session_notes.id", ondelete="CASCADE"))
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(8))  # from the note's author's side
    owner_user_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(USER_ID)
    created_at: Mapped[datetime]

    note: Mapped[SessionNote] = relationship(back_populates="items")


class TopicKit(Base):
    """A workspace's own words for a topic's kit; without a row, the package's kit is used."""

    __tablename__ = "topic_kits"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    why: Mapped[str] = mapped_column(Text)
    starters: Mapped[list[str]] = mapped_column(JSON, default=list)
    exercise: Mapped[str] = mapped_column(Text)
    expertise: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(USER_ID)
    updated_at: Mapped[datetime]


class Briefing(Base):
    """The briefing one member of a pair got before their first session, and whether they said
    *Got it*."""

    __tablename__ = "briefings"
    __table_args__ = (UniqueConstraint("pairing_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    user_id: Mapped[str] = mapped_column(USER_ID)
    side: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(75), default="")
    sent_at: Mapped[datetime]
    got_it_at: Mapped[datetime | None]
