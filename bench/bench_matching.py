"""Matching: time, peak memory and quality of `match` on synthetic rounds of up to 20,000 people.

`python bench/bench_matching.py` (BENCH_SHORT=1 for the short CI mode). Rounds of 1,000, 5,000
and 20,000 participants (short mode: 500 and 2,000), seeded, with a realistic mix: 40% share, 35%
learn, 25% either; levels 0-6 skewed by role; 1-3 of 20 topics each way; 8 departments (spelled
inconsistently, as people type them); UTC offsets weighted like a company spread over the
Americas, Europe, India and Asia-Pacific; preferred days and times, or "any"; capacity 1-3; some
earlier partners and a few blocks.

Each size is matched twice, each time in a fresh subprocess:

- fast: `match(..., exact=False)`, one LP pass over auction-priced candidates;
- exact (the baseline): `match(..., exact=True)`, proven optimal; its total is the optimum.

The default (`exact=None`) is the exact solver up to EXACT_UP_TO participants and the fast one
above, so at 20,000 the fast row is what the bot runs. Time is the wall time of the `match` call
alone; peak memory is `resource.getrusage(RUSAGE_SELF).ru_maxrss` after the call minus the
process's resident set just before it (imports and the population excluded). Every result is
checked against the hard rules with `pair_score`, the readable reference, after the clock stops.

Prints, per size and solver: time, peak memory, pairs, the total as a share of the optimum,
and the ratio of time to the exact solver's; then each target as met or MISSED. Exits 0 either
way (the numbers are the output), but 1 when any result breaks a hard rule.
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass

import numpy
import scipy

from bot.domain.matching import (
    EXACT_UP_TO,
    Candidate,
    MatchResult,
    MatchRules,
    match,
    pair_score,
)
from bot.domain.program import Role

SHORT = os.environ.get("BENCH_SHORT", "") not in ("", "0")
SIZES = (500, 2_000) if SHORT else (1_000, 5_000, 20_000)
SEED = 20_260_105
CHILD_TIMEOUT = 1_800  # seconds; the exact solver at 20,000 takes minutes on a slow machine

TOPICS = 20
DEPARTMENTS = (
    ("Engineering", "engineering ", "ENGINEERING"),
    ("Data",),
    ("Sales", "sales"),
    ("Marketing",),
    ("People Ops", "people  ops"),
    ("Finance",),
    ("Legal",),
    ("Customer Success", "customer success"),
)
# (minutes east of UTC, weight): Americas, Europe, India, Asia-Pacific.
OFFSETS = (
    (-480, 10), (-420, 4), (-360, 6), (-300, 12), (-180, 3),
    (0, 12), (60, 16), (120, 6), (330, 12), (480, 9), (540, 5), (600, 5),
)  # fmt: skip
DAYS = ("mon", "tue", "wed", "thu", "fri")
TIMES = ("morning", "midday", "afternoon")

TARGET_SIZE = 20_000
TARGET_SECONDS = 5.0
TARGET_GB = 0.5
TARGET_SHARE = 0.999
PRIVATE_WORDS = ("block", "not be paired")


def population(n: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    ids = [f"U{i:06d}" for i in range(n)]
    offsets, offset_weights = zip(*OFFSETS, strict=True)
    topics = range(1, TOPICS + 1)
    # Some topics are in demand, some are what juniors know: popularity differs by direction.
    share_w = [1 + (t % 5) for t in topics]
    learn_w = [1 + ((TOPICS - t) % 7) for t in topics]

    def pick(weights: list[int], k: int) -> frozenset[int]:
        out: set[int] = set()
        while len(out) < k:
            out.add(rng.choices(topics, weights)[0])
        return frozenset(out)

    people = []
    for i, pid in enumerate(ids):
        role = rng.choices([Role.SHARE, Role.LEARN, Role.BOTH], [40, 35, 25])[0]
        level = rng.choice(
            {
                Role.SHARE: [0, 0, 0, 1, 1, 2, 3],
                Role.LEARN: [2, 3, 4, 4, 5, 5, 6],
                Role.BOTH: [1, 2, 3, 4, 5],
            }[role]
        )
        shares = role is not Role.LEARN or rng.random() < 0.5
        learns = role is not Role.SHARE or rng.random() < 0.6
        dept = rng.choice(rng.choice(DEPARTMENTS))
        people.append(
            Candidate(
                id=pid,
                role=role,
                level=level,
                department=dept,
                utc_offset_minutes=rng.choices(offsets, offset_weights)[0],
                share_topics=pick(share_w, rng.randint(1, 3)) if shares else frozenset(),
                learn_topics=pick(learn_w, rng.randint(1, 3)) if learns else frozenset(),
                days=(
                    frozenset()
                    if rng.random() < 0.3
                    else frozenset(rng.sample(DAYS, rng.randint(1, 5)))
                ),
                times=(
                    frozenset()
                    if rng.random() < 0.3
                    else frozenset(rng.sample(TIMES, rng.randint(1, 3)))
                ),
                capacity=rng.choices([1, 2, 3], [70, 22, 8])[0],
                past_partners=(
                    frozenset(rng.sample(ids, rng.randint(1, 3))) - {pid}
                    if rng.random() < 0.15
                    else frozenset()
                ),
                blocked=(
                    frozenset(rng.sample(ids, 1)) - {pid} if rng.random() < 0.02 else frozenset()
                ),
                name=f"Person {i}",
            )
        )
    return people


TOPIC_NAMES = {t: f"Topic {t}" for t in range(1, TOPICS + 1)}


RULES = MatchRules()  # the defaults a new program starts with


# -- one measurement, in a fresh process ----------------------------------------------------------


def current_rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def violations(people: list[Candidate], rules: MatchRules, result: MatchResult) -> list[str]:
    """Every hard rule a result breaks (first few of each kind), checked with the reference."""
    by_id = {p.id: p for p in people}
    role = {p.id: p.role for p in people} | dict(result.roles)
    out: list[str] = []
    load: Counter[str] = Counter()
    as_mentor, as_leader = set(), set()
    for pair in result.pairs:
        m, ld = by_id[pair.mentor_id], by_id[pair.leader_id]
        reference = pair_score(m, ld, rules)
        if reference is None:
            out.append(f"pair {m.id}-{ld.id} breaks a hard rule")
        elif not math.isclose(reference, pair.score, rel_tol=0, abs_tol=1e-6):
            out.append(f"pair {m.id}-{ld.id} scored {pair.score}, reference {reference}")
        if role[m.id] is not Role.SHARE or role[ld.id] is not Role.LEARN:
            out.append(f"pair {m.id}-{ld.id} against the roles of the round")
        if not pair.reasons or not all(r.strip() for r in pair.reasons):
            out.append(f"pair {m.id}-{ld.id} has an empty reason")
        load[m.id] += 1
        load[ld.id] += 1
        as_mentor.add(m.id)
        as_leader.add(ld.id)
    out += [f"{pid} in {n} pairs, capacity {by_id[pid].capacity}" for pid, n in load.items()
            if n > by_id[pid].capacity]  # fmt: skip
    out += [f"{pid} is mentor and leader" for pid in as_mentor & as_leader]
    if len({(p.mentor_id, p.leader_id) for p in result.pairs}) != len(result.pairs):
        out.append("a pair appears twice")
    alone = [u.participant_id for u in result.unmatched]
    if set(alone) & set(load) or len(set(alone)) != len(alone):
        out.append("someone is both paired and unmatched, or unmatched twice")
    if set(alone) | set(load) != set(by_id):
        out.append("someone is neither paired nor unmatched")
    for u in result.unmatched:
        if not u.text.strip() or any(w in u.text.lower() for w in PRIVATE_WORDS):
            out.append(f"unmatched {u.participant_id}: bad text {u.text!r}")
    for r in result.roles:
        if r[1] not in (Role.SHARE, Role.LEARN):
            out.append(f"role {r} is neither share nor learn")
    kinds: Counter[str] = Counter()
    first = []
    for v in out:
        kinds[v.split()[0]] += 1
        if kinds[v.split()[0]] <= 3:
            first.append(v)
    return first + ([f"... {len(out)} in all"] if len(out) > len(first) else [])


def child(n: int, mode: str) -> None:
    people = population(n, SEED + n)
    rs = RULES
    rss_before = current_rss_kb()
    began = time.perf_counter()
    result = match(people, rs, TOPIC_NAMES, exact=(mode == "exact"))
    seconds = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    payload = {
        "n": n,
        "mode": mode,
        "seconds": seconds,
        "peak_mb": max(0, peak_kb - rss_before) / 1024,
        "rss_before_mb": rss_before / 1024,
        "pairs": len(result.pairs),
        "unmatched": len(result.unmatched),
        "total": result.total_score,
        "upper_bound": result.upper_bound,
        "proven_optimal": result.proven_optimal,
        "violations": violations(people, rs, result),
    }
    print(json.dumps(payload))


# -- the driver ----------------------------------------------------------------------------------


@dataclass
class Run:
    n: int
    mode: str
    seconds: float
    peak_mb: float
    rss_before_mb: float
    pairs: int
    unmatched: int
    total: float
    upper_bound: float
    proven_optimal: bool
    violations: list[str]


def measure(n: int, mode: str) -> Run:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(n), mode],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        raise SystemExit(f"child {n} {mode} failed with exit code {done.returncode}")
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    wall = time.perf_counter()
    sizes = ", ".join(f"{n:,}" for n in SIZES)
    print(f"bench_matching: {'SHORT' if SHORT else 'FULL'} mode, sizes {sizes}")
    print(
        f"  python {sys.version.split()[0]}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
        f"{os.cpu_count()} CPUs; default rules; {TOPICS} topics, {len(DEPARTMENTS)} departments"
    )
    print(
        "  each run in a fresh process; time = the match() call; peak = ru_maxrss after it minus "
        "RSS before it"
    )
    print(f"  baseline: match(exact=True) in the same run (its total is the optimum); "
          f"default = exact up to {EXACT_UP_TO:,} people, fast above")  # fmt: skip
    runs: dict[tuple[int, str], Run] = {}
    broken: list[str] = []
    for n in SIZES:
        fast, exact = measure(n, "fast"), measure(n, "exact")
        runs[n, "fast"], runs[n, "exact"] = fast, exact
        default = "exact" if n <= EXACT_UP_TO else "fast"
        print(f"\n== {n:,} participants ==")
        for run in (fast, exact):
            label = f"{run.mode}{' (default)' if run.mode == default else ''}"
            share = run.total / exact.total if exact.total else 1.0
            gap = (run.upper_bound - run.total) / run.upper_bound if run.upper_bound else 0.0
            print(
                f"  {label:16} {run.seconds:7.2f} s  peak {run.peak_mb:7.1f} MB  "
                f"{run.pairs:6,} pairs  {run.unmatched:5,} unmatched  total {run.total:12.3f}  "
                f"{share:9.5%} of optimum  time ratio to exact {run.seconds / exact.seconds:5.2f}  "
                f"(own bound gap {gap:.4%}{', proven optimal' if run.proven_optimal else ''})"
            )
            for v in run.violations:
                broken.append(f"{n:,} {run.mode}: {v}")
                print(f"    !! {v}")

    print("\ntargets:")
    checks: list[tuple[str, bool | None, str]] = []
    big = runs.get((TARGET_SIZE, "fast"))
    big_exact = runs.get((TARGET_SIZE, "exact"))
    if big is None or big_exact is None:
        for name in (f"<= {TARGET_SECONDS:g} s", f"<= {TARGET_GB:g} GB", ">= 99.9% of optimum"):
            checks.append((f"{TARGET_SIZE:,} people: {name}", None, "not run in short mode"))
    else:
        share = big.total / big_exact.total
        checks += [
            (f"{TARGET_SIZE:,} people (default): <= {TARGET_SECONDS:g} s",
             big.seconds <= TARGET_SECONDS, f"{big.seconds:.2f} s"),
            (f"{TARGET_SIZE:,} people (default): <= {TARGET_GB:g} GB",
             big.peak_mb <= TARGET_GB * 1024, f"{big.peak_mb / 1024:.3f} GB"),
            (f"{TARGET_SIZE:,} people (default): >= {TARGET_SHARE:.1%} of optimum",
             share >= TARGET_SHARE, f"{share:.5%}"),
        ]  # fmt: skip
    for n in SIZES:
        if n <= EXACT_UP_TO:
            run = runs[n, "exact"]
            checks.append(
                (f"{n:,} people: default proven optimal", run.proven_optimal,
                 f"{run.seconds:.2f} s, bound gap {(run.upper_bound - run.total):.2e}")
            )  # fmt: skip
    checks.append(("every result obeys every hard rule", not broken, f"{len(broken)} problems"))
    for name, ok, value in checks:
        print(f"  {'n/a' if ok is None else verdict(ok):6} {name}: {value}")
    print(f"total time {time.perf_counter() - wall:.1f} s")
    return 1 if broken else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    sys.exit(main())
