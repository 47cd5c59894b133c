"""Independent oracles for the matching tests: the rules restated, result checks and optima.

Everything here restates the rules of `bot.domain.matching` from its documentation, without its
code: the hard rules of a pair, the role rule for "both" people, the reason someone is left
alone, a brute-force optimum for tiny groups and an exact b-matching LP over every allowed pair for
large ones. Only `pair_score` (the readable reference), `department_key` (the definition of "the
same department") and, for the large optimum, `ScoreModel`'s full score matrix come from the
package; the tests check those against each other separately.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from bot.domain.matching import Candidate, MatchResult, MatchRules, UnmatchedReason, pair_score
from bot.domain.matching.score import ScoreModel, department_key
from bot.domain.program import Role
from tests.domain.matching_strategies import PRIVATE_WORDS, TOPIC_NAMES

R = UnmatchedReason


# -- the rules, restated -----------------------------------------------------------------------


def profiles_fit(mentor: Candidate, leader: Candidate, rules: MatchRules) -> bool:
    """The hard rules that profiles decide, as the package documentation states them."""
    return (
        mentor.level < leader.level
        and abs(mentor.utc_offset_minutes - leader.utc_offset_minutes)
        <= rules.max_timezone_gap_hours * 60
        and not (
            rules.cross_department == "required"
            and department_key(mentor.department) == department_key(leader.department)
        )
        and bool(mentor.share_topics & leader.learn_topics)
    )


def excluded(a: Candidate, b: Candidate) -> bool:
    """An earlier partner or a block, either way round."""
    return bool({b.id} & (a.past_partners | a.blocked) or {a.id} & (b.past_partners | b.blocked))


def expected_roles(people: Sequence[Candidate], rules: MatchRules) -> dict[str, Role]:
    """roles.py: a "both" person shares when at least as many people (on the other side, "both"
    people included, history and blocks ignored) could learn from them as they could learn
    from."""
    may_share = [p for p in people if p.role is not Role.LEARN]
    may_learn = [p for p in people if p.role is not Role.SHARE]
    out = {}
    for p in people:
        if p.role is Role.BOTH:
            teach = sum(profiles_fit(p, q, rules) for q in may_learn if q.id != p.id)
            learn = sum(profiles_fit(q, p, rules) for q in may_share if q.id != p.id)
            out[p.id] = Role.SHARE if teach >= learn else Role.LEARN
    return out


def sides(
    people: Sequence[Candidate], roles: Mapping[str, Role]
) -> tuple[list[Candidate], list[Candidate]]:
    """(mentors, leaders) of the round, in id order, "both" people on the side of their role."""
    ordered = sorted(people, key=lambda p: p.id)
    role = {p.id: roles.get(p.id, p.role) for p in ordered}
    return (
        [p for p in ordered if role[p.id] is Role.SHARE],
        [p for p in ordered if role[p.id] is Role.LEARN],
    )


def expected_reason(
    person: Candidate,
    as_mentor: bool,
    others: Sequence[Candidate],
    load: Mapping[str, int],
    rules: MatchRules,
) -> UnmatchedReason | None:
    """explain.py: the first hard rule, in the documented order, that leaves nobody on the other
    side; None when a compatible partner with a free slot is left (then no reason is right)."""
    m_of = (lambda o: (person, o)) if as_mentor else (lambda o: (o, person))
    left = [o for o in others if m_of(o)[0].level < m_of(o)[1].level]
    if not left:
        return R.NO_ONE_TO_TEACH if as_mentor else R.NO_ONE_TO_LEARN_FROM
    gap = rules.max_timezone_gap_hours * 60
    checks: list[tuple[UnmatchedReason, Callable[[Candidate], bool]]] = [
        (
            R.NO_COMPATIBLE_PARTNER_TIMEZONE,
            lambda o: abs(o.utc_offset_minutes - person.utc_offset_minutes) <= gap,
        ),
        (
            R.ONLY_SAME_DEPARTMENT,
            lambda o: (
                rules.cross_department != "required"
                or department_key(o.department) != department_key(person.department)
            ),
        ),
        (R.NO_TOPIC_OVERLAP, lambda o: bool(m_of(o)[0].share_topics & m_of(o)[1].learn_topics)),
        (R.NO_COMPATIBLE_PARTNER, lambda o: not excluded(person, o)),
        (R.CAPACITY_FULL_ON_OTHER_SIDE, lambda o: load.get(o.id, 0) < o.capacity),
    ]
    for reason, keep in checks:
        left = [o for o in left if keep(o)]
        if not left:
            return reason
    return None


# -- checking a result -------------------------------------------------------------------------


def check_result(
    people: Sequence[Candidate],
    rules: MatchRules,
    result: MatchResult,
    topic_names: Mapping[int, str] = TOPIC_NAMES,
    *,
    check_reasons: bool = True,
) -> None:
    """Every invariant of a round that does not need the optimum: hard rules, scores, capacities,
    roles, everyone accounted for once, reasons right and private, pairs explained."""
    by_id = {p.id: p for p in people}
    roles = dict(result.roles)
    assert roles == expected_roles(people, rules)
    assert list(result.roles) == sorted(result.roles)
    role = {p.id: roles.get(p.id, p.role) for p in people}
    assert set(role.values()) <= {Role.SHARE, Role.LEARN}

    keys = [(p.mentor_id, p.leader_id) for p in result.pairs]
    assert keys == sorted(set(keys)), "pairs sorted by (mentor, leader), each at most once"
    load: Counter[str] = Counter()
    for pair in result.pairs:
        m, ld = by_id[pair.mentor_id], by_id[pair.leader_id]
        assert role[m.id] is Role.SHARE and role[ld.id] is Role.LEARN, pair
        assert m.level < ld.level, pair
        assert not excluded(m, ld), pair
        assert abs(m.utc_offset_minutes - ld.utc_offset_minutes) <= rules.max_timezone_gap_minutes
        if rules.cross_department == "required":
            assert department_key(m.department) != department_key(ld.department), pair
        assert m.share_topics & ld.learn_topics, pair
        reference = pair_score(m, ld, rules)
        assert reference is not None, pair
        assert math.isclose(pair.score, reference, rel_tol=0, abs_tol=1e-6), (pair, reference)
        load[m.id] += 1
        load[ld.id] += 1
        check_pair_reasons(m, ld, pair.reasons, topic_names)
    for pid, n in load.items():
        assert n <= by_id[pid].capacity, (pid, n)

    alone = [u.participant_id for u in result.unmatched]
    assert alone == sorted(alone)
    assert len(set(alone)) == len(alone)
    assert not set(alone) & set(load), "nobody is both paired and unmatched"
    assert set(alone) | set(load) == set(by_id), "everyone is paired or unmatched"
    mentors, leaders = sides(people, roles)
    for u in result.unmatched:
        assert isinstance(u.reason, UnmatchedReason)
        assert u.text.strip() and u.text[0].isupper() and u.text.rstrip().endswith(".")
        assert not any(word in u.text.lower() for word in PRIVATE_WORDS), u.text
        if check_reasons:
            person = by_id[u.participant_id]
            as_mentor = role[person.id] is Role.SHARE
            expected = expected_reason(
                person, as_mentor, leaders if as_mentor else mentors, load, rules
            )
            assert u.reason == expected, (u, expected)
    assert result.upper_bound >= result.total_score - 1e-6


def check_pair_reasons(
    m: Candidate, ld: Candidate, reasons: tuple[str, ...], topic_names: Mapping[int, str]
) -> None:
    assert reasons and all(isinstance(r, str) and r.strip() for r in reasons)
    text = " ".join(reasons)
    assert not any(word in text.lower() for word in PRIVATE_WORDS), text
    assert m.display_name in reasons[0] and ld.display_name in reasons[0]
    for t in m.share_topics & ld.learn_topics:  # what they will work on, by name
        assert topic_names.get(t, f"topic {t}") in reasons[0], (t, reasons)
    for t in ld.share_topics & m.learn_topics:  # what comes back
        assert topic_names.get(t, f"topic {t}") in text, (t, reasons)


# -- optimum -----------------------------------------------------------------------------------


def brute_force_best(
    mentors: Sequence[Candidate], leaders: Sequence[Candidate], rules: MatchRules
) -> float:
    """The best total over every set of allowed pairs within capacities, by exhaustive search
    (with a bound that only skips branches that cannot win)."""
    edges = []
    for m in mentors:
        for ld in leaders:
            s = pair_score(m, ld, rules)
            if s is not None:
                edges.append((m.id, ld.id, s))
    cap = {p.id: p.capacity for p in (*mentors, *leaders)}
    rest = [math.fsum(s for *_, s in edges[k:]) for k in range(len(edges) + 1)]
    best = 0.0

    def go(k: int, total: float) -> None:
        nonlocal best
        best = max(best, total)
        if k == len(edges) or total + rest[k] <= best + 1e-12:
            return
        a, b, s = edges[k]
        if cap[a] and cap[b]:
            cap[a] -= 1
            cap[b] -= 1
            go(k + 1, total + s)
            cap[a] += 1
            cap[b] += 1
        go(k + 1, total)

    go(0, 0.0)
    return best


@dataclass(frozen=True)
class Optimum:
    total: float
    pairs: int  # allowed pairs the solver saw
    score_matrix: np.ndarray  # mentors x leaders, -inf where not allowed


def full_score_matrix(
    mentors: Sequence[Candidate], leaders: Sequence[Candidate], rules: MatchRules
) -> np.ndarray:
    """Every (mentor, leader) score from ScoreModel, -inf for every pair a hard rule (profiles,
    history or a block, either way) forbids."""
    model = ScoreModel(mentors, leaders, rules)
    rows, cols = np.meshgrid(np.arange(len(mentors)), np.arange(len(leaders)), indexing="ij")
    scores = model.edge_scores(rows.ravel(), cols.ravel()).reshape(len(mentors), len(leaders))
    m_pos = {p.id: i for i, p in enumerate(mentors)}
    l_pos = {p.id: j for j, p in enumerate(leaders)}
    for m in mentors:
        for other in m.past_partners | m.blocked:
            if other in l_pos:
                scores[m_pos[m.id], l_pos[other]] = -np.inf
    for ld in leaders:
        for other in ld.past_partners | ld.blocked:
            if other in m_pos:
                scores[m_pos[other], l_pos[ld.id]] = -np.inf
    return scores


def exact_optimum(
    mentors: Sequence[Candidate], leaders: Sequence[Candidate], rules: MatchRules
) -> Optimum:
    """The b-matching optimum over every allowed pair: an LP whose matrix (incidence of a
    bipartite graph) is totally unimodular, so its optimal vertex is 0/1; checked, with a MILP
    fallback should the solver ever return a fractional point."""
    scores = full_score_matrix(mentors, leaders, rules)
    rows, cols = np.nonzero(np.isfinite(scores))
    w = scores[rows, cols]
    e, n_m = len(w), len(mentors)
    if e == 0:
        return Optimum(0.0, 0, scores)
    a = sparse.csc_array(
        (np.ones(2 * e), np.column_stack([rows, n_m + cols]).ravel(), np.arange(0, 2 * e + 1, 2)),
        shape=(n_m + len(leaders), e),
    )
    capacity = np.array([p.capacity for p in (*mentors, *leaders)], dtype=np.float64)
    res = linprog(-w, A_ub=a, b_ub=capacity, bounds=(0, 1), method="highs-ds")
    assert res.status == 0, res.message
    x = np.asarray(res.x)
    if np.abs(x - np.round(x)).max() > 1e-7:  # pragma: no cover - TU
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = milp(
                -w,
                constraints=LinearConstraint(a, -np.inf, capacity),
                bounds=Bounds(0, 1),
                integrality=np.ones(e),
            )
        x = np.asarray(res.x)
    chosen = x > 0.5
    assert (a @ chosen.astype(np.float64) <= capacity + 1e-9).all()
    return Optimum(math.fsum(w[chosen]), e, scores)
