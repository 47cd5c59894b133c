"""Builders and shared settings for the matching tests: people, exclusions, default rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, settings

from bot.domain.matching import Candidate, MatchResult, MatchRules, Unmatched, UnmatchedReason
from bot.domain.program import Role

R = UnmatchedReason
SHARE, LEARN, BOTH = Role.SHARE, Role.LEARN, Role.BOTH
DEFAULT = MatchRules()

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def person(pid: str, role: Role, level: int, **kw: object) -> Candidate:
    kw.setdefault("department", "Data")
    return Candidate(pid, role, level, **kw)  # type: ignore[arg-type]


def mentor(pid: str, level: int = 0, share: set[int] | None = None, **kw: object) -> Candidate:
    return person(pid, SHARE, level, share_topics=frozenset(share or {1}), **kw)


def leader(pid: str, level: int = 4, learn: set[int] | None = None, **kw: object) -> Candidate:
    return person(pid, LEARN, level, learn_topics=frozenset(learn or {1}), **kw)


def excluding(c: Candidate, field: str, other: str) -> Candidate:
    """c with `other` in its `blocked` or `past_partners`."""
    changes: dict[str, Any] = {field: frozenset({other})}
    return replace(c, **changes)


def unmatched_of(result: MatchResult, pid: str) -> Unmatched:
    return next(u for u in result.unmatched if u.participant_id == pid)
