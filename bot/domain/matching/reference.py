"""The readable score of one pair at a time: the hard rules, the fit parts and `pair_score`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.matching.model import Candidate, MatchRules
from bot.domain.matching.time_overlap import available_minutes, overlap_minutes


@dataclass(frozen=True, slots=True)
class Fit:
    """The parts of one pair's score, each in [0, 1], and the topics behind them."""

    teach: float
    learn_back: float
    cross_department: bool
    time_overlap: float
    overlap_minutes: int
    level_gap: int
    level_fit: float
    teach_topics: frozenset[int]
    back_topics: frozenset[int]


def department_key(department: str) -> str:
    return " ".join(department.casefold().split())


def fit(mentor: Candidate, leader: Candidate, rules: MatchRules) -> Fit:
    teach_topics = mentor.share_topics & leader.learn_topics
    back_topics = mentor.learn_topics & leader.share_topics
    minutes = overlap_minutes(mentor, leader)
    least = min(available_minutes(mentor), available_minutes(leader))
    gap = leader.level - mentor.level
    table = rules.level_gap_fit
    return Fit(
        teach=len(teach_topics) / len(leader.learn_topics) if leader.learn_topics else 0.0,
        learn_back=len(back_topics) / len(mentor.learn_topics) if mentor.learn_topics else 0.0,
        cross_department=department_key(mentor.department) != department_key(leader.department),
        time_overlap=minutes / least if least else 0.0,
        overlap_minutes=minutes,
        level_gap=gap,
        level_fit=table[min(gap, len(table) - 1)] if gap > 0 else 0.0,
        teach_topics=teach_topics,
        back_topics=back_topics,
    )


def profiles_compatible(mentor: Candidate, leader: Candidate, rules: MatchRules) -> bool:
    """The hard rules that depend on profiles only (not on history or block lists)."""
    return (
        mentor.id != leader.id
        and mentor.level < leader.level
        and abs(mentor.utc_offset_minutes - leader.utc_offset_minutes)
        <= rules.max_timezone_gap_minutes
        and not (
            rules.cross_department == "required"
            and department_key(mentor.department) == department_key(leader.department)
        )
        and bool(mentor.share_topics & leader.learn_topics)
    )


def excluded(a: Candidate, b: Candidate) -> bool:
    """An earlier pair, or a block either way."""
    return (
        b.id in a.past_partners or a.id in b.past_partners or b.id in a.blocked or a.id in b.blocked
    )


def pair_score(mentor: Candidate, leader: Candidate, rules: MatchRules) -> float | None:
    """The score of `mentor` teaching `leader`, or None when a hard rule forbids the pair.

    Roles are not checked here: the caller decides who shares and who learns this round.
    """
    if not profiles_compatible(mentor, leader, rules) or excluded(mentor, leader):
        return None
    return score_of(fit(mentor, leader, rules), rules)


def score_of(f: Fit, rules: MatchRules) -> float:
    cross = rules.weight_cross_department if rules.cross_department == "preferred" else 0.0
    return (
        rules.weight_pair
        + rules.weight_teach * f.teach
        + rules.weight_learn_back * f.learn_back
        + cross * f.cross_department
        + rules.weight_time_overlap * f.time_overlap
        + rules.weight_level_gap * f.level_fit
    )
