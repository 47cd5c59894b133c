"""Typed models. Every row that belongs to a workspace carries its `team_id`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.delivery import Action as OutboxAction
from bot.domain.delivery import Status as OutboxStatus
from bot.domain.lifecycle import (
    EndCause,
    PairingStatus,
    ParticipantStatus,
    RoundStatus,
    RoundTrigger,
)
from bot.domain.program import Role
from bot.domain.proposal import StoredProposal
from bot.platform.db.base import Base
from bot.platform.db.types import TEAM_ID, USER_ID, EnumText, ModelJSON


class WorkspaceSettings(Base):
    """One row per installed workspace: the program's configuration."""

    __tablename__ = "workspace_settings"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    admin_channel_id: Mapped[str | None] = mapped_column(String(32))
    admin_user_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    seniority_levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_timezone_gap_hours: Mapped[int] = mapped_column(Integer, default=6)
    cross_department: Mapped[str] = mapped_column(
        String(10), default="preferred", server_default="preferred"
    )
    round_cadence: Mapped[str] = mapped_column(String(16), default="off", server_default="off")
    auto_approve: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the workspace uninstalled the app (or revoked its tokens): nothing is sent to it
    # from then on, and its program data is erased once UNINSTALL_KEEP_DAYS have passed.
    uninstalled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Topic(Base):
    """A subject people can share or want to learn; admins add to the defaults."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID, index=True)
    name: Mapped[str] = mapped_column(String(75))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(default=False)


class Participant(Base):
    """A person's profile in the program. Name, title and time zone come from Slack."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        CheckConstraint("role IN ('share', 'learn', 'both')", name="role"),
        CheckConstraint("status IN ('active', 'paused')", name="status"),
        CheckConstraint("capacity BETWEEN 1 AND 3", name="capacity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    slack_user_id: Mapped[str] = mapped_column(USER_ID)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    role: Mapped[Role] = mapped_column(EnumText(Role, 8))
    level: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(100), default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    preferred_days: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_times: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ParticipantStatus] = mapped_column(
        EnumText(ParticipantStatus, 8), default=ParticipantStatus.ACTIVE
    )
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Gone quiet: when they were asked whether to stay, and their last "Keep me in".
    dormant_asked_at: Mapped[datetime | None]
    kept_in_at: Mapped[datetime | None]
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    topics: Mapped[list[ParticipantTopic]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", lazy="selectin"
    )
    blocked: Mapped[list[BlockedPerson]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", lazy="selectin"
    )


class ParticipantTopic(Base):
    """A topic a participant can share, or wants to learn."""

    __tablename__ = "participant_topics"
    __table_args__ = (CheckConstraint("direction IN ('share', 'learn')", name="direction"),)

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    direction: Mapped[str] = mapped_column(String(5), primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)

    participant: Mapped[Participant] = relationship(back_populates="topics")


class BlockedPerson(Base):
    """Someone a participant must not be paired with. Seen by nobody but its author."""

    __tablename__ = "blocked_people"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_user_id: Mapped[str] = mapped_column(USER_ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)

    participant: Mapped[Participant] = relationship(back_populates="blocked")


class OutboxMessage(Base):
    """A message the bot sends on its own, stored before it is sent (see services/outbox)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "dedup_key"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'dead', 'expired', 'cancelled')",
            name="status",
        ),
        CheckConstraint(
            "action IN (" + ", ".join(f"'{a.value}'" for a in OutboxAction) + ")", name="action"
        ),
        Index("ix_outbox_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    dedup_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(100), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    users: Mapped[list[str]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    action: Mapped[OutboxAction] = mapped_column(
        EnumText(OutboxAction, 16),
        default=OutboxAction.POST,
        server_default=OutboxAction.POST.value,
    )
    status: Mapped[OutboxStatus] = mapped_column(
        EnumText(OutboxStatus, 10), default=OutboxStatus.PENDING
    )
    due_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_channel: Mapped[str | None] = mapped_column(String(32))
    sent_ts: Mapped[str | None] = mapped_column(String(32))
    # An upload's file, once its bytes reached Slack: a retry completes it instead of uploading
    # again (files.completeUploadExternal is the only step that shares it).
    file_id: Mapped[str | None] = mapped_column(String(32))
    # When an attempt began whose outcome is not known yet (cleared once one is recorded): a
    # later attempt first looks in the conversation for the post this one may have made.
    unsettled_since: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


ROUND_STATUSES = tuple(s.value for s in RoundStatus)


class MatchRound(Base):
    """One matching round: queued or asked for, computed into a proposal, then decided once.

    `proposal` holds the computed pairs and the unmatched with their reasons (user ids, scores,
    reason texts); `fingerprint` is a digest of everything the computation read, so a decision
    can tell that people changed since.
    """

    __tablename__ = "match_rounds"
    __table_args__ = (
        UniqueConstraint("team_id", "scheduled_key"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in ROUND_STATUSES) + ")", name="status"
        ),
        CheckConstraint("trigger IN ('admin', 'schedule')", name="trigger"),
        Index("ix_match_rounds_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    status: Mapped[RoundStatus] = mapped_column(EnumText(RoundStatus, 10))
    trigger: Mapped[RoundTrigger] = mapped_column(EnumText(RoundTrigger, 10))
    requested_by: Mapped[str | None] = mapped_column(USER_ID)
    post_to: Mapped[str | None] = mapped_column(String(32))
    scheduled_key: Mapped[str | None] = mapped_column(String(40))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    proposal: Mapped[StoredProposal | None] = mapped_column(ModelJSON(StoredProposal))
    dropped: Mapped[list[int]] = mapped_column(JSON, default=list)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    computed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(USER_ID)


class Pairing(Base):
    """A reverse mentor (the junior, who shares) and a leader (who learns), from one round.

    When someone leaves, their user id here is replaced by a tombstone: the pairing still counts
    in aggregates but no longer says who it was.
    """

    __tablename__ = "pairings"
    __table_args__ = (
        UniqueConstraint("round_id", "mentor_user_id", "leader_user_id"),
        CheckConstraint("status IN ('active', 'paused', 'ended')", name="status"),
        Index("ix_pairings_team_mentor", "team_id", "mentor_user_id"),
        Index("ix_pairings_team_leader", "team_id", "leader_user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id"), index=True)
    mentor_user_id: Mapped[str] = mapped_column(USER_ID)
    leader_user_id: Mapped[str] = mapped_column(USER_ID)
    status: Mapped[PairingStatus] = mapped_column(
        EnumText(PairingStatus, 8), default=PairingStatus.ACTIVE
    )
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    end_cause: Mapped[EndCause | None] = mapped_column(EnumText(EndCause, 20))
    # The pair's group DM and the introduction in it, as Slack answered when it was posted.
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    intro_ts: Mapped[str | None] = mapped_column(String(32))
    # The stalled-pair ladder: since when the pair has been quiet in this run, the last step
    # taken, since when the admins see it at risk, and when the ladder paused it.
    nudge_run: Mapped[datetime | None]
    nudge_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    at_risk_since: Mapped[datetime | None]
    stalled_at: Mapped[datetime | None]
    # The pairing's cycle: when the current one began (its introduction, for the first).
    cycle_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    cycle_started_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class CycleAnswer(Base):
    """One member's mid-cycle check-in or end-of-cycle survey. `changed` stays private to its
    author; admins only ever see aggregates."""

    __tablename__ = "cycle_answers"
    __table_args__ = (UniqueConstraint("pairing_id", "cycle_number", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    cycle_number: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(USER_ID)
    kind: Mapped[str] = mapped_column(String(8))  # mid | end
    asked_at: Mapped[datetime]
    check_in: Mapped[str | None] = mapped_column(String(12))
    continue_with: Mapped[str | None] = mapped_column(String(12))
    changed: Mapped[str] = mapped_column(Text, default="")
    recommend: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None]


class SeenEvent(Base):
    """An event (or a retried request) already acted on, kept a day: Slack redelivers what it
    thinks was not received, and any replica may get the copy."""

    __tablename__ = "seen_events"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)


# The tables of a pair's sessions live beside these; imported here so that every model is in
# one metadata, and importable from here like the rest.
from bot.platform.db import install_tables  # noqa: E402, F401  (Bolt's OAuth tables)
from bot.platform.db.session_tables import (  # noqa: E402
    ActionItem,
    Briefing,
    MentoringSession,
    SessionFeedback,
    SessionNote,
    TopicKit,
)

__all__ = [
    "ActionItem",
    "Base",
    "BlockedPerson",
    "CycleAnswer",
    "Briefing",
    "MatchRound",
    "MentoringSession",
    "OutboxMessage",
    "Pairing",
    "Participant",
    "ParticipantTopic",
    "SeenEvent",
    "SessionFeedback",
    "SessionNote",
    "Topic",
    "TopicKit",
    "WorkspaceSettings",
]
