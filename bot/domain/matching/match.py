"""One round of matching, from participants to pairs and reasons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bot.domain.matching.explain import Board, explain_unmatched, pair_reasons
from bot.domain.matching.model import Candidate, MatchResult, MatchRules, Pair
from bot.domain.matching.roles import both_roles
from bot.domain.matching.score import ScoreModel
from bot.domain.matching.solve import solve
from bot.domain.program import Role

I64 = npt.NDArray[np.int64]

# Up to this many participants the pairs are proven optimal (to 1e-7, the precision of the
# float32 pricing scan); above, one LP pass over auction-priced candidates, typically within 0.05%
# (bench/bench_matching.py), and `MatchResult.upper_bound` says how far they could be at worst.
EXACT_UP_TO = 5000


def match(
    participants: Sequence[Candidate],
    rules: MatchRules,
    topic_names: Mapping[int, str],
    *,
    exact: bool | None = None,
) -> MatchResult:
    """The best pairs for the whole group, and a reason for everyone left without a partner.

    Deterministic: the input is put in id order first, so the same people in any order give the
    same pairs. `exact` forces (True) or skips (False) the proof of optimality; by default it is
    proven up to EXACT_UP_TO participants.
    """
    people = sorted(participants, key=lambda p: p.id)
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise ValueError("participant ids must be unique")
    excluded = _exclusions(people)
    may_share = [p for p in people if p.role is not Role.LEARN]
    may_learn = [p for p in people if p.role is not Role.SHARE]
    full = ScoreModel(may_share, may_learn, rules)
    roles = both_roles(people, full) if may_share and may_learn else {}
    m_idx = [i for i, p in enumerate(may_share) if roles.get(p.id, p.role) is Role.SHARE]
    l_idx = [j for j, p in enumerate(may_learn) if roles.get(p.id, p.role) is Role.LEARN]
    model = full.subset(np.array(m_idx, dtype=np.int64), np.array(l_idx, dtype=np.int64))
    mentors = [may_share[i] for i in m_idx]
    leaders = [may_learn[j] for j in l_idx]
    m_cap = np.array([p.capacity for p in mentors], dtype=np.int64)
    l_cap = np.array([p.capacity for p in leaders], dtype=np.int64)
    pairs: set[tuple[int, int]] = set()
    upper = 0.0
    if mentors and leaders:
        proven = exact if exact is not None else len(people) <= EXACT_UP_TO
        sol = solve(model, m_cap, l_cap, _excluded_pairs(mentors, leaders, excluded), exact=proven)
        pairs = set(zip(sol.mentors.tolist(), sol.leaders.tolist(), strict=True))
        upper = sol.upper_bound
    board = Board(
        model,
        mentors,
        leaders,
        np.bincount([i for i, _ in pairs], minlength=len(mentors)).astype(np.int64),
        np.bincount([j for _, j in pairs], minlength=len(leaders)).astype(np.int64),
        pairs,
        excluded,
    )
    alone = [(p.id, Role.SHARE, i) for i, p in enumerate(mentors) if board.mentor_load[i] == 0]
    alone += [(p.id, Role.LEARN, j) for j, p in enumerate(leaders) if board.leader_load[j] == 0]
    unmatched = explain_unmatched(board, sorted(alone))
    return MatchResult(
        pairs=_pairs(board, topic_names),
        unmatched=tuple(sorted(unmatched, key=lambda u: u.participant_id)),
        roles=tuple(sorted(roles.items())),
        upper_bound=max(upper, 0.0),
    )


def _exclusions(people: Sequence[Candidate]) -> dict[str, frozenset[str]]:
    """Who must not meet whom this round: earlier partners and blocks, either way round."""
    out: dict[str, set[str]] = {}
    for p in people:
        for other in p.past_partners | p.blocked:
            out.setdefault(p.id, set()).add(other)
            out.setdefault(other, set()).add(p.id)
    return {k: frozenset(v) for k, v in out.items()}


def _excluded_pairs(
    mentors: Sequence[Candidate],
    leaders: Sequence[Candidate],
    excluded: Mapping[str, frozenset[str]],
) -> tuple[I64, I64]:
    leader_pos = {p.id: j for j, p in enumerate(leaders)}
    rows, cols = [], []
    for i, m in enumerate(mentors):
        for other in excluded.get(m.id, ()):
            if other in leader_pos:
                rows.append(i)
                cols.append(leader_pos[other])
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def _pairs(board: Board, topic_names: Mapping[int, str]) -> tuple[Pair, ...]:
    if not board.pairs:
        return ()
    rows, cols = (np.array(x, dtype=np.int64) for x in zip(*sorted(board.pairs), strict=True))
    scores = board.model.edge_scores(rows, cols).tolist()
    minutes = board.model.overlap_minutes(rows, cols).tolist()
    rules = board.model.rules
    out = []
    for i, j, score, mins in zip(rows.tolist(), cols.tolist(), scores, minutes, strict=True):
        m, ld = board.mentors[i], board.leaders[j]
        out.append(Pair(m.id, ld.id, score, pair_reasons(m, ld, rules, topic_names, mins)))
    return tuple(sorted(out, key=lambda p: (p.mentor_id, p.leader_id)))
