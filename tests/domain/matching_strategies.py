"""Inputs for the matching tests: hypothesis strategies for small rounds and seeded populations.

Realistic profiles, rules with varied weights, and large seeded rounds. The independent oracles
that judge a result (the rules restated, a brute-force optimum, an exact LP) live in
`matching_oracles`.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from bot.domain.matching import Candidate, MatchRules
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
