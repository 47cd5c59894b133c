"""After a session: did the two meet, and a short private poll. Pure: no I/O.

Answers belong to the person who gave them: the partner never sees them, and admins only ever
see aggregates over enough people (the summaries feature)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

LEARNED_MAX = 500
LOW_RATING = 2  # at or below: the private "talk to the program team / a new partner" offer
SCALE = (1, 2, 3, 4, 5)


class Met(StrEnum):
    YES = "yes"
    RESCHEDULE = "reschedule"
    NO = "no"


class SharedBack(StrEnum):
    YES = "yes"
    A_LITTLE = "a_little"
    NOT_THIS_TIME = "not_this_time"


SHARED_BACK_LABELS = {
    SharedBack.YES: "Yes",
    SharedBack.A_LITTLE: "A little",
    SharedBack.NOT_THIS_TIME: "Not this time",
}
VALUE_LABELS = {1: "1 · Not at all", 2: "2", 3: "3", 4: "4", 5: "5 · Very valuable"}
CONFIDENCE_LABELS = {1: "1 · Not confident", 2: "2", 3: "3", 4: "4", 5: "5 · Very confident"}


@dataclass(frozen=True)
class FeedbackTiming:
    """Every delay of the after-session questions (settings)."""

    ask_after_end: timedelta = timedelta(minutes=30)
    ask_again_after: timedelta = timedelta(hours=48)
    editable_for: timedelta = timedelta(hours=24)
    # How long after a session it is still worth asking at all (a bot down for a week does not
    # ask about last month's sessions).
    still_worth_asking: timedelta = timedelta(days=3)


@dataclass(frozen=True)
class PollForm:
    value: int | None
    learned: str
    confidence: int | None  # the reverse mentor's question
    shared_back: str | None  # the leader's question


def poll_errors(form: PollForm, *, mentor: bool) -> dict[str, str]:
    """What to fix, by field name (`value`, `learned`, `confidence`, `shared_back`)."""
    errors: dict[str, str] = {}
    if form.value not in SCALE:
        errors["value"] = "Choose how valuable it was, from 1 to 5."
    if len(form.learned) > LEARNED_MAX:
        errors["learned"] = f"Keep it under {LEARNED_MAX} characters ({len(form.learned)} now)."
    if mentor and form.confidence not in SCALE:
        errors["confidence"] = "Choose how confident you felt, from 1 to 5."
    if not mentor and form.shared_back not in {s.value for s in SharedBack}:
        errors["shared_back"] = "Choose one of the three answers."
    return errors


def is_low(value: int | None) -> bool:
    return value is not None and value <= LOW_RATING


def still_editable(answered_at: datetime | None, now: datetime, timing: FeedbackTiming) -> bool:
    """Answers can be changed for a while after they were first given."""
    return answered_at is None or now < answered_at + timing.editable_for


@dataclass(frozen=True)
class Ask:
    """Whether a member should be asked about a session now, and whether it is the second
    (and last) time."""

    again: bool


def next_ask(
    ends_at: datetime,
    now: datetime,
    timing: FeedbackTiming,
    *,
    asked_at: datetime | None,
    asked_again: bool,
    answered: bool,
) -> Ask | None:
    """The one question due now, if any: first at the end plus the delay, once more 48 hours
    later without an answer, and never a third time."""
    if answered:
        return None
    if asked_at is None:
        due = ends_at + timing.ask_after_end
        if due <= now <= ends_at + timing.still_worth_asking:
            return Ask(again=False)
        return None
    if not asked_again and now >= asked_at + timing.ask_again_after:
        return Ask(again=True)
    return None


def expired(asked_again_at: datetime | None, now: datetime, timing: FeedbackTiming) -> bool:
    """The question closes 48 hours after it was asked the second time."""
    return asked_again_at is not None and now >= asked_again_at + timing.ask_again_after
