"""Which role a "both" participant takes this round.

Rule: a "both" participant shares (acts as reverse mentor) when at least as many people could
learn from them as they could learn from, and learns otherwise. Counted partners are the people
on the other side whose profiles fit every hard rule that profiles decide (seniority, time zone,
department when required, a topic in the main direction), "both" people included on either side.

Why this rule: the count of people you could teach is the supply on the other side; taking the
side where more people could use you puts you where you relieve a shortage rather than add to a
crowd, which is what a whole-group optimum needs too. It also matches intuition (a mid-level
person with many seniors above and few juniors below shares). Ties go to sharing, the heart of
reverse mentoring. History and block lists are deliberately left out: a role must never hint at a
block. The role is decided before the optimisation because letting the optimiser choose ("mentor
or leader, not both") is a disjunctive constraint that breaks the LP's integrality.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.domain.matching.model import Candidate
from bot.domain.matching.scan import Block, Scanner, each_block
from bot.domain.matching.score import ScoreModel
from bot.domain.program import Role

I64 = npt.NDArray[np.int64]
_NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def partner_counts(model: ScoreModel, rows: I64, *, leaders_as_rows: bool) -> I64:
    """For each row person, how many on the other side their profile allows pairing with."""
    if leaders_as_rows:
        view = model.subset(np.arange(len(model.mentors.level)), rows)
    else:
        view = model.subset(rows, np.arange(len(model.leaders.level)))
    scanner = Scanner(view, _NONE, leaders_as_rows=leaders_as_rows)
    counts = np.zeros(scanner.n_rows, dtype=np.int64)

    def allowed(block: Block) -> I64:
        return np.isfinite(scanner.scores(block)).sum(axis=1)  # type: ignore[no-any-return]

    for block, found in zip(scanner.blocks, each_block(allowed, scanner.blocks), strict=True):
        if len(block.cols):
            counts[block.rows] = found
    return counts


def both_roles(people: Sequence[Candidate], model: ScoreModel) -> dict[str, Role]:
    """Roles for the "both" people, given a model whose mentors are everyone who may share and
    whose leaders are everyone who may learn (each list in the order of `people`)."""
    may_share = [p for p in people if p.role is not Role.LEARN]
    may_learn = [p for p in people if p.role is not Role.SHARE]
    as_mentor = np.array([i for i, p in enumerate(may_share) if p.role is Role.BOTH], np.int64)
    as_leader = np.array([i for i, p in enumerate(may_learn) if p.role is Role.BOTH], np.int64)
    if len(as_mentor) == 0:
        return {}
    teach = partner_counts(model, as_mentor, leaders_as_rows=False)
    learn = partner_counts(model, as_leader, leaders_as_rows=True)
    ids = [may_share[i].id for i in as_mentor]
    assert ids == [may_learn[i].id for i in as_leader]
    return {
        pid: Role.SHARE if t >= n else Role.LEARN
        for pid, t, n in zip(ids, teach.tolist(), learn.tolist(), strict=True)
    }
