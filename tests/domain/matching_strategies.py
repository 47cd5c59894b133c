"""Inputs and independent oracles for the matching tests (`test_matching.py`).

Everything here restates the rules of `bot.domain.matching` from its documentation, without its
code: the hard rules of a pair, the role rule for "both" people, the reason someone is left
alone, a brute-force optimum for tiny groups and an exact b-matching LP over every allowed pair for
large ones. Only `pair_score` (the readable reference), `department_key` (the definition of "the
same department") and, for the large optimum, `ScoreModel`'s full score matrix come from the
package; the tests check those against each other separately.
"""

from __future__ import annotations

import math
import random
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from bot.domain.matching import Candidate, MatchResult, MatchRules, UnmatchedReason, pair_score
from bot.domain.matching.score import ScoreModel, department_key
from bot.domain.profile import DAYS, TIMES
from bot.domain.program import Role

TOPIC_NAMES: dict[int, str] = {
    1: "AI tools",
    2: "Social media",
    3: "Data literacy",
    4: "Inclusion",
    5: "Modern work culture",
    6: "Career insight",
}
TOPICS = tuple(TOPIC_NAMES)
LEVELS = range(6)  # 0 = most junior
# Spelling variants on purpose: department_key treats them as the same department.
DEPARTMENTS = ("Data", "data ", "Sales", "People  Ops", "people ops", "Finance")
UTC_OFFSETS = (-480, -420, -300, -240, 0, 60, 120, 330, 480, 540)  # minutes
PRIVATE_WORDS = ("block", "not be paired")

R = UnmatchedReason


# -- inputs ------------------------------------------------------------------------------------


@st.composite
def groups(draw: st.DrawFn, min_size: int = 0, max_size: int = 8) -> list[Candidate]:
    """A small round: realistic profiles (sharers share something, learners want something, as
    the opt-in form requires), a few time zones and topics per round so that pairs are common,
    some history and some blocks between its members."""
    n = draw(st.integers(min_size, max_size))
    ids = [f"U{i:02d}" for i in range(n)]
    offsets = draw(st.lists(st.sampled_from(UTC_OFFSETS), min_size=1, max_size=3, unique=True))
    topics = draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=4, unique=True))
    others = st.sampled_from(ids + ["U99"]) if ids else st.just("U99")  # U99: not in the round
    some_others = st.one_of(st.just(frozenset[str]()), st.frozensets(others, max_size=2))
    people = []
    for i, pid in enumerate(ids):
        role = draw(st.sampled_from(Role))
        share_min = 0 if role is Role.LEARN else 1
        learn_min = 0 if role is Role.SHARE else 1
        people.append(
            Candidate(
                id=pid,
                role=role,
                level=draw(st.sampled_from(LEVELS)),
                department=draw(st.sampled_from(DEPARTMENTS)),
                utc_offset_minutes=draw(st.sampled_from(offsets)),
                share_topics=draw(st.frozensets(st.sampled_from(topics), min_size=share_min)),
                learn_topics=draw(st.frozensets(st.sampled_from(topics), min_size=learn_min)),
                days=draw(st.frozensets(st.sampled_from(DAYS))),
                times=draw(st.frozensets(st.sampled_from(TIMES))),
                capacity=draw(st.integers(1, 3)),
                past_partners=draw(some_others),
                blocked=draw(
                    st.one_of(st.just(frozenset[str]()), st.frozensets(others, max_size=1))
                ),
                name=draw(st.sampled_from(["", f"Person {i}"])),
            )
        )
    return people


weights = st.floats(0, 4, allow_nan=False).map(lambda w: round(w, 2))


@st.composite
def rules(draw: st.DrawFn) -> MatchRules:
    return MatchRules(
        max_timezone_gap_hours=draw(st.sampled_from([0.0, 3.0, 5.5, 6.0, 9.0, 24.0])),
        cross_department=draw(st.sampled_from(["required", "preferred", "ignored"])),
        weight_pair=draw(st.sampled_from([0.0, 0.5, 2.0, 4.0])),
        weight_teach=draw(st.sampled_from([1.0, 3.0])),  # > 0: weight_pair may be 0
        weight_learn_back=draw(weights),
        weight_cross_department=draw(weights),
        weight_time_overlap=draw(weights),
        weight_level_gap=draw(weights),
        level_gap_fit=draw(
            st.sampled_from([(0.0, 0.4, 1.0, 1.0, 0.7, 0.3, 0.0), (0.0, 1.0), (0.2, 0.5, 0.9)])
        ),
    )


def population(n: int, seed: int) -> list[Candidate]:
    """A seeded round of n people with a realistic mix: juniors mostly share, seniors mostly
    learn, a quarter take either role; most want one partner; a few have history or a block."""
    rng = random.Random(seed)
    ids = [f"U{i:05d}" for i in range(n)]
    out = []
    for i, pid in enumerate(ids):
        role = rng.choices([Role.SHARE, Role.LEARN, Role.BOTH], [40, 35, 25])[0]
        level = rng.choice(
            {
                Role.SHARE: [0, 0, 1, 1, 2, 3],
                Role.LEARN: [2, 3, 4, 4, 5, 5],
                Role.BOTH: [1, 2, 3, 4],
            }[role]
        )
        shares = role is not Role.LEARN or rng.random() < 0.5
        learns = role is not Role.SHARE or rng.random() < 0.6
        out.append(
            Candidate(
                id=pid,
                role=role,
                level=level,
                department=rng.choice(DEPARTMENTS),
                utc_offset_minutes=rng.choice(UTC_OFFSETS),
                share_topics=frozenset(rng.sample(TOPICS, rng.randint(1, 3)) if shares else ()),
                learn_topics=frozenset(rng.sample(TOPICS, rng.randint(1, 3)) if learns else ()),
                days=frozenset() if rng.random() < 0.3 else frozenset(rng.sample(DAYS, 3)),
                times=frozenset() if rng.random() < 0.3 else frozenset(rng.sample(TIMES, 2)),
                capacity=rng.choices([1, 2, 3], [70, 20, 10])[0],
                past_partners=(
                    frozenset(rng.sample(ids, 2)) - {pid} if rng.random() < 0.1 else frozenset()
                ),
                blocked=frozenset(rng.sample(ids, 1)) - {pid}
                if rng.random() < 0.03
                else frozenset(),
                name=f"Person {i}",
            )
        )
    return out


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
