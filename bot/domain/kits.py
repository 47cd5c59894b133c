"""Topic kits, briefings' timing and a person's progress. Pure: no I/O.

A kit shows a junior that what they know daily is expertise, and gives a pair something to do
together in a session: why the topic matters to a leader now, three conversation starters,
one hands-on exercise, and a line for the junior on what counts as expertise."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

WHY_MAX = 600
STARTER_MAX = 200
EXERCISE_MAX = 800
EXPERTISE_MAX = 400
BRIEF_AHEAD = timedelta(hours=24)  # before the pair's first session, or at booking if sooner


@dataclass(frozen=True)
class Kit:
    topic: str
    why: str
    starters: tuple[str, str, str]
    exercise: str
    expertise: str
    edited: bool = False  # by an admin of this workspace, rather than the package's words

    @classmethod
    def from_mapping(cls, topic: str, raw: Mapping[str, object], *, edited: bool = False) -> Kit:
        starters = raw.get("starters")
        if not isinstance(starters, list | tuple) or len(starters) != 3:
            raise ValueError(f"the kit for {topic!r} needs exactly three starters")
        texts = [str(raw.get(k) or "").strip() for k in ("why", "exercise", "expertise")]
        if not all(texts):
            raise ValueError(f"the kit for {topic!r} needs why, exercise and expertise")
        first, second, third = (str(s).strip() for s in starters)
        return cls(topic, texts[0], (first, second, third), texts[1], texts[2], edited)


def kit_errors(why: str, starters: Iterable[str], exercise: str, expertise: str) -> dict[str, str]:
    """What to fix in an admin's edit, by field name."""
    errors: dict[str, str] = {}
    for name, value, limit in (
        ("why", why, WHY_MAX),
        ("exercise", exercise, EXERCISE_MAX),
        ("expertise", expertise, EXPERTISE_MAX),
    ):
        if not value.strip():
            errors[name] = "This can't be empty."
        elif len(value) > limit:
            errors[name] = f"Keep it under {limit} characters."
    for i, starter in enumerate(starters, start=1):
        if not starter.strip():
            errors[f"starter_{i}"] = "Write a conversation starter."
        elif len(starter) > STARTER_MAX:
            errors[f"starter_{i}"] = f"Keep it under {STARTER_MAX} characters."
    return errors


def closest(asked: str, names: Iterable[str]) -> str | None:
    """The topic someone meant: an exact or partial match first, then the nearest spelling."""
    options = list(names)
    wanted = asked.strip().lower()
    if not wanted:
        return None
    for name in options:
        if name.lower() == wanted:
            return name
    partial = [n for n in options if wanted in n.lower() or n.lower().startswith(wanted)]
    if len(partial) >= 1:
        return partial[0]
    words = {w: n for n in options for w in n.lower().split()}
    near = difflib.get_close_matches(wanted, [n.lower() for n in options] + list(words), n=1)
    if not near:
        return None
    return next((n for n in options if n.lower() == near[0]), words.get(near[0]))


def briefing_due(first_session: datetime, now: datetime) -> bool:
    """Briefings go out 24 hours before the pair's first session (at once when it is sooner),
    and never once it has started."""
    return first_session - BRIEF_AHEAD <= now < first_session


@dataclass(frozen=True)
class Progress:
    """What a person's Home shows them alone."""

    held: int
    topics: tuple[str, ...]
    confidence: tuple[int, ...]  # a reverse mentor's answers, oldest first

    def confidence_line(self) -> str | None:
        if not self.confidence:
            return None
        first, last = self.confidence[0], self.confidence[-1]
        n = len(self.confidence)
        if n == 1:
            return f"{first} after your first session"
        return f"{first} → {last} over {n} sessions"


@dataclass(frozen=True)
class NewBriefing:
    """A briefing on someone's Home until they say *Got it*."""

    id: int
    partner_id: str
