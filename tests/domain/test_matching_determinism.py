"""Matching determinism: the same result for any input order and any hash seed."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.matching import Candidate, MatchRules, match
from bot.domain.matching.solve import SMALL_ROUND_CELLS
from tests.domain.matching_oracles import expected_roles, sides
from tests.domain.matching_people import DEFAULT
from tests.domain.matching_strategies import TOPIC_NAMES, groups, population, rules

ROOT = Path(__file__).resolve().parents[2]


@settings(max_examples=60, deadline=None)
@given(group=groups(max_size=10), rules=rules(), data=st.data())
def test_the_same_people_in_any_order_give_the_same_result(
    group: list[Candidate], rules: MatchRules, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(group))
    assert match(shuffled, rules, TOPIC_NAMES) == match(group, rules, TOPIC_NAMES)


# -- determinism -------------------------------------------------------------------------------


@pytest.mark.parametrize("exact", [None, False])
def test_a_shuffled_medium_round_gives_the_same_result(exact: bool | None) -> None:
    """600 people: past the size where the solver sees every pair at once (auction, pricing)."""
    people = population(600, seed=7)
    mentors, leaders = sides(people, expected_roles(people, DEFAULT))
    assert len(mentors) * len(leaders) > SMALL_ROUND_CELLS
    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    assert match(shuffled, DEFAULT, TOPIC_NAMES, exact=exact) == match(
        people, DEFAULT, TOPIC_NAMES, exact=exact
    )


def test_the_result_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "from tests.domain.matching_strategies import population, TOPIC_NAMES\n"
        "from bot.domain.matching import match, MatchRules\n"
        "print(repr(match(population(500, 3), MatchRules(), TOPIC_NAMES, exact=False)))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "4242")
    }
    assert len(outputs) == 1 and "Pair(" in outputs.pop()
