"""Typed payloads: what a button's `value` and a modal's `private_metadata` carry.

Both travel through the client, so they are parsed strictly, once, and never trusted for who may
act: the acting user always comes from the payload Slack signed, and the use case checks that
they may act on the id they sent.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

_PART = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class TamperedPayload(ValueError):
    """A value or metadata that the bot did not write (or that an old version wrote)."""


class ButtonValue(BaseModel):
    """A button's value: its fields in declaration order, joined by ":" (`"12"`, `"12:3"`),
    short enough for Slack's 2,000 characters and readable in logs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    SEPARATOR: ClassVar[str] = ":"

    def dump(self) -> str:
        return self.SEPARATOR.join(str(getattr(self, name)) for name in type(self).model_fields)

    @classmethod
    def parse(cls, raw: object) -> Self:
        parts = str(raw or "").split(cls.SEPARATOR)
        names = list(cls.model_fields)
        if len(parts) != len(names) or not all(_PART.fullmatch(p) for p in parts):
            raise TamperedPayload(f"{cls.__name__}: unexpected shape")
        try:
            parsed = cls.model_validate(dict(zip(names, parts, strict=True)))
        except ValidationError:
            raise TamperedPayload(f"{cls.__name__}: invalid") from None
        if parsed.dump() != raw:  # "007" or "1_000": read the same, but never written so
            raise TamperedPayload(f"{cls.__name__}: not as the bot writes it")
        return parsed


class Metadata(BaseModel):
    """A modal's `private_metadata`, as JSON (at most 3,000 characters)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    LIMIT: ClassVar[int] = 3000

    def dump(self) -> str:
        out = self.model_dump_json(exclude_defaults=True)
        if len(out) > self.LIMIT:
            raise ValueError("private_metadata over Slack's 3,000 characters")
        return out

    @classmethod
    def parse(cls, raw: object) -> Self:
        if raw is not None and not isinstance(raw, str):
            raise TamperedPayload(f"{cls.__name__}: not a string")
        try:
            return cls.model_validate_json(raw or "{}")
        except ValidationError:
            raise TamperedPayload(f"{cls.__name__}: did not parse") from None


Id = Annotated[int, Field(ge=1, lt=10**12)]


class ModalMeta(Metadata):
    """What every modal remembers: where it was opened, and what it is about."""

    v: int = Field(default=1, ge=1, le=1)
    channel_id: str | None = Field(default=None, pattern=r"^[CDG][A-Z0-9]{2,30}$")
    edit: bool = False
    pairing_id: int | None = Field(default=None, ge=1, lt=10**12)


class RoundRef(ButtonValue):
    """A matching round's decision buttons (Approve, Recompute, Discard)."""

    round_id: Id


class PairRef(ButtonValue):
    """One proposed pair of a round (its Drop button)."""

    round_id: Id
    index: int = Field(ge=0, le=10**6)


class PairingRef(ButtonValue):
    """A pairing (Book a session, End this pairing…)."""

    pairing_id: Id


class SessionRef(ButtonValue):
    """A session (Reschedule, Cancel session)."""

    session_id: Id


class BookingMeta(Metadata):
    """The booking modal: which pairing, and which session when it reschedules one."""

    v: int = Field(default=1, ge=1, le=1)
    pairing_id: Id
    session_id: int | None = Field(default=None, ge=1, lt=10**12)


class NoteRef(ButtonValue):
    """A note (Edit, Delete)."""

    note_id: Id


class ItemRef(ButtonValue):
    """An action item (Done)."""

    item_id: Id


class NoteMeta(Metadata):
    """The notes modal: which pairing, from which session, and which note when editing."""

    v: int = Field(default=1, ge=1, le=1)
    pairing_id: Id
    session_id: int | None = Field(default=None, ge=1, lt=10**12)
    note_id: int | None = Field(default=None, ge=1, lt=10**12)


class PollMeta(Metadata):
    """The poll modal: which session."""

    v: int = Field(default=1, ge=1, le=1)
    session_id: Id


class BriefingRef(ButtonValue):
    """A briefing (Show me the kit, Got it)."""

    briefing_id: Id


class TopicMeta(Metadata):
    """The modal that edits one topic's kit."""

    v: int = Field(default=1, ge=1, le=1)
    topic_id: Id


class CycleRef(ButtonValue):
    """One cycle of a pairing (check-in, survey, another cycle or wrap up)."""

    pairing_id: Id
    cycle: int = Field(ge=1, le=1000)
