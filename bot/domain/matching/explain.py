"""Why a pair was made, and why someone was left without a partner.

Unmatched reasons come from the first hard rule, in a fixed order, that leaves the person with
nobody: the other side at all (seniority), time zone, department, topics, then history and
blocks together, then capacity. Blocks are checked after every profile rule and share one generic
reason with repeats ("no compatible partner this round"), so a reason never says, to the person or
to an admin, that someone blocked them. A person who still has a compatible partner with a free
slot cannot stay unmatched: they are paired with the best such partner first (this only happens
when the optimiser stopped short of proven optimality; an optimal solution never leaves such a
pair, since adding it would raise the total).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.domain.matching.model import Candidate, MatchRules, Unmatched, UnmatchedReason
from bot.domain.matching.score import ScoreModel, department_key
from bot.domain.program import Role

I64 = npt.NDArray[np.int64]
R = UnmatchedReason


def join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def topic_list(topics: frozenset[int], topic_names: Mapping[int, str]) -> str:
    return join_names([topic_names.get(t, f"topic {t}") for t in sorted(topics)])


def pair_reasons(
    mentor: Candidate,
    leader: Candidate,
    rules: MatchRules,
    topic_names: Mapping[int, str],
    overlap_minutes: int,
) -> tuple[str, ...]:
    m, ld = mentor.display_name, leader.display_name
    out = []
    teach = mentor.share_topics & leader.learn_topics
    out.append(f"{m} can teach {topic_list(teach, topic_names)}, which {ld} wants to learn")
    back = leader.share_topics & mentor.learn_topics
    if back:
        out.append(f"{ld} can share {topic_list(back, topic_names)}, which {m} wants to learn")
    if rules.cross_department != "ignored" and department_key(mentor.department) != department_key(
        leader.department
    ):
        out.append(
            f"They bring different perspectives: {mentor.department} and {leader.department}"
        )
    if overlap_minutes > 0:
        hours = overlap_minutes / 60
        if hours >= 1.5:
            amount = f"about {round(hours)} hours"
        elif overlap_minutes >= 45:
            amount = "about an hour"
        else:
            amount = f"{overlap_minutes} minutes"
        out.append(f"Their preferred meeting times overlap by {amount} a week")
    gap = leader.level - mentor.level
    table = rules.level_gap_fit
    fit = table[min(gap, len(table) - 1)]
    levels = f"{gap} level{'s' if gap > 1 else ''}"
    if fit >= max(table):
        out.append(
            f"{ld} is {levels} more senior: far enough apart to learn, close enough to relate"
        )
    else:
        out.append(f"{ld} is {levels} more senior")
    return tuple(out)


_TEXT: dict[tuple[UnmatchedReason, Role], str] = {
    (R.NO_ONE_TO_TEACH, Role.SHARE): (
        "Nobody more senior than you signed up to learn this round, so there was no one for you "
        "to mentor."
    ),
    (R.NO_ONE_TO_LEARN_FROM, Role.LEARN): (
        "Nobody more junior than you signed up to share this round, so there was no one to "
        "learn from."
    ),
    (R.NO_COMPATIBLE_PARTNER_TIMEZONE, Role.SHARE): (
        "Everyone who could learn from you this round is too many time zones away to meet."
    ),
    (R.NO_COMPATIBLE_PARTNER_TIMEZONE, Role.LEARN): (
        "Everyone who could mentor you this round is too many time zones away to meet."
    ),
    (R.ONLY_SAME_DEPARTMENT, Role.SHARE): (
        "This program pairs people across departments, and everyone who could learn from you "
        "this round is in your department."
    ),
    (R.ONLY_SAME_DEPARTMENT, Role.LEARN): (
        "This program pairs people across departments, and everyone who could mentor you this "
        "round is in your department."
    ),
    (R.NO_TOPIC_OVERLAP, Role.SHARE): (
        "None of the leaders this round wants to learn the topics you can share. Adding topics "
        "to your profile widens your options."
    ),
    (R.NO_TOPIC_OVERLAP, Role.LEARN): (
        "Nobody this round can share the topics you want to learn. Adding topics to your "
        "profile widens your options."
    ),
    (
        R.NO_COMPATIBLE_PARTNER,
        Role.SHARE,
    ): "We couldn't find a new compatible partner for you this round.",
    (
        R.NO_COMPATIBLE_PARTNER,
        Role.LEARN,
    ): "We couldn't find a new compatible partner for you this round.",
    (R.CAPACITY_FULL_ON_OTHER_SIDE, Role.SHARE): (
        "Every leader who fits you this round already has as many partners as they asked for."
    ),
    (R.CAPACITY_FULL_ON_OTHER_SIDE, Role.LEARN): (
        "Every reverse mentor who fits you this round already has as many partners as they "
        "asked for."
    ),
}
_NEXT = " You'll be considered again in the next round."


def unmatched_text(reason: UnmatchedReason, role: Role) -> str:
    return _TEXT[(reason, role)] + _NEXT


@dataclass
class Board:
    """The round's sides and who is paired with whom, as the explanation step updates it."""

    model: ScoreModel  # mentors x leaders of this round
    mentors: Sequence[Candidate]
    leaders: Sequence[Candidate]
    mentor_load: I64
    leader_load: I64
    pairs: set[tuple[int, int]]
    excluded: Mapping[str, frozenset[str]]  # id -> ids it must not meet (either way)

    def __post_init__(self) -> None:
        self.mentor_cap = np.array([p.capacity for p in self.mentors], dtype=np.int64)
        self.leader_cap = np.array([p.capacity for p in self.leaders], dtype=np.int64)
        self.mentor_pos = {p.id: i for i, p in enumerate(self.mentors)}
        self.leader_pos = {p.id: i for i, p in enumerate(self.leaders)}


def _stages(board: Board, person: int, *, as_mentor: bool) -> list[I64]:
    """People on the other side still available after each hard rule, in reason order."""
    model, rules = board.model, board.model.rules
    me, other = (model.mentors, model.leaders) if as_mentor else (model.leaders, model.mentors)
    others = board.leaders if as_mentor else board.mentors
    senior = (other.level > me.level[person]) if as_mentor else (other.level < me.level[person])
    off = model.offset_of_slot
    near = np.abs(off[other.slot] - off[me.slot[person]]) <= rules.max_timezone_gap_minutes
    if rules.cross_department == "required":
        dept = other.dept != me.dept[person]
    else:
        dept = np.ones(len(others), dtype=bool)
    mine, theirs = (me.share, other.learn) if as_mentor else (me.learn, other.share)
    topics = (theirs & mine[person]).any(axis=1)
    me_id = (board.mentors if as_mentor else board.leaders)[person].id
    where = board.leader_pos if as_mentor else board.mentor_pos
    fresh = np.ones(len(others), dtype=bool)
    fresh[[where[i] for i in board.excluded.get(me_id, ()) if i in where]] = False
    if as_mentor:
        free = board.leader_load < board.leader_cap
    else:
        free = board.mentor_load < board.mentor_cap
    stages = [senior]
    for rule in (near, dept, topics, fresh, free):
        stages.append(stages[-1] & rule)
    return [np.flatnonzero(s) for s in stages]


# The reason when stage i leaves nobody (stage 0, the other side at all, depends on the role).
_REASON_AT = (
    None,
    R.NO_COMPATIBLE_PARTNER_TIMEZONE,
    R.ONLY_SAME_DEPARTMENT,
    R.NO_TOPIC_OVERLAP,
    R.NO_COMPATIBLE_PARTNER,  # history or a block: deliberately one generic reason
    R.CAPACITY_FULL_ON_OTHER_SIDE,
)


def explain_unmatched(board: Board, unmatched: Sequence[tuple[str, Role, int]]) -> list[Unmatched]:
    """Reasons for everyone in `unmatched` (id, role this round, position on that side), in the
    given order. Pairs anyone who still has a compatible partner with a free slot instead."""
    out: list[Unmatched] = []
    for pid, role, position in unmatched:
        as_mentor = role is Role.SHARE
        own_load = board.mentor_load if as_mentor else board.leader_load
        if own_load[position] > 0:
            continue  # paired earlier in this loop, as someone else's best free partner
        stages = _stages(board, position, as_mentor=as_mentor)
        depth = next((i for i, s in enumerate(stages) if len(s) == 0), None)
        if depth is None:
            _pair_best(board, position, stages[-1], as_mentor=as_mentor)
            continue
        reason = _REASON_AT[depth]
        if reason is None:
            reason = R.NO_ONE_TO_TEACH if as_mentor else R.NO_ONE_TO_LEARN_FROM
        out.append(Unmatched(pid, reason, unmatched_text(reason, role)))
    return out


def _pair_best(board: Board, person: int, partners: I64, *, as_mentor: bool) -> None:
    if as_mentor:
        scores = board.model.edge_scores(np.full(len(partners), person), partners)
        ids = [board.leaders[j].id for j in partners]
    else:
        scores = board.model.edge_scores(partners, np.full(len(partners), person))
        ids = [board.mentors[i].id for i in partners]
    pick = min(range(len(partners)), key=lambda k: (-scores[k], ids[k]))
    other = int(partners[pick])
    pair = (person, other) if as_mentor else (other, person)
    board.pairs.add(pair)
    board.mentor_load[pair[0]] += 1
    board.leader_load[pair[1]] += 1
