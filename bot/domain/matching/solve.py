"""The best set of pairs for the whole group at once.

Choosing pairs is a bipartite b-matching: mentors on one side, leaders on the other, each person
in at most `capacity` pairs, each pair at most once, total score as large as possible. Its linear
program has a totally unimodular constraint matrix, so a simplex vertex is a 0/1 solution and the
LP optimum is the true optimum; HiGHS (through scipy) finds it.

HiGHS is exact but slows down sharply beyond ~10^5 candidate pairs, and a large round allows
10^7-10^8. Keeping each person's few best-scoring partners is not enough: scores come from a
handful of attributes, so many people tie and everyone short-lists the same popular partners.
What decides whether a pair is worth considering is its reduced cost (score minus the dual prices
of both people), and good prices come cheaply from an auction. So:

1. pool: each mentor's best leaders by score, each leader's best mentor per block (`scan.pool`);
2. auction on the pool: near-optimal leader prices in a few hundred vectorised rounds;
3. price every allowed pair against those prices (`scan.price`): a certified upper bound, and the
   nearly tight pairs, a small set that holds an optimal solution when the prices are good;
4. the exact LP on that small set (with exact=False, stop here: one pass, typically within
   0.05% of the optimum); then column generation: price every pair against the LP's
   duals, add those with a positive reduced cost (and nearly tight ones, which pin the degenerate
   duals down), solve again, until no pair is left out (proven optimal) or the solution is within
   `gap` of the best upper bound found.

Small rounds skip 1-3 and give the LP every allowed pair.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from bot.domain.matching.auction import auction
from bot.domain.matching.scan import Scanner, distinct, pool, price
from bot.domain.matching.score import ScoreModel

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Rounds with at most this many (mentor, leader) cells go straight to the LP with every pair.
SMALL_ROUND_CELLS = 1 << 16
POOL_PER_ROW = 96
POOL_PER_COL = 32
# Auction step, as a share of the largest possible score: the loss is at most this per pair.
AUCTION_EPS = 0.005
# Pairs added per person and round; "nearly tight" = reduced cost above -NEAR_TIGHT * max score.
PER_ROUND = 3
NEAR_TIGHT = 0.02
MAX_ROUNDS = 100


@dataclass(frozen=True, slots=True)
class Solution:
    mentors: I64  # row index of each chosen pair
    leaders: I64  # column index of each chosen pair
    scores: F64
    objective: float
    upper_bound: float  # no set of pairs scores more (certified by dual prices)
    rounds: int  # LP solves
    candidates: int  # pairs the last LP saw


def _lp(
    n_rows: int, n_cols: int, rows: I64, cols: I64, w: F64, capacity: F64
) -> tuple[npt.NDArray[np.bool_], F64]:
    """The chosen pairs and each person's dual price (rows first, then columns)."""
    e = len(w)
    if e == 0:
        return np.zeros(0, dtype=bool), np.zeros(n_rows + n_cols)
    indices = np.column_stack([rows, n_rows + cols]).ravel()
    a = sparse.csc_array(
        (np.ones(2 * e), indices, np.arange(0, 2 * e + 1, 2)), shape=(n_rows + n_cols, e)
    )
    # Interior point with crossover: a vertex (so 0/1) and its duals, faster than simplex here;
    # presolve finds nothing to remove in a b-matching and only costs time.
    res = linprog(
        -w, A_ub=a, b_ub=capacity, bounds=(0, 1), method="highs-ipm", options={"presolve": False}
    )
    if res.status != 0:  # pragma: no cover - x = 0 is feasible and the objective is bounded
        raise RuntimeError(f"matching LP failed: {res.message}")
    x = np.asarray(res.x)
    duals = np.maximum(-np.asarray(res.ineqlin.marginals), 0.0)
    chosen = x > 0.5
    if np.abs(x - chosen).max(initial=0.0) > 1e-6:  # pragma: no cover - TU: vertices are 0/1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mip = milp(
                -w,
                constraints=LinearConstraint(a, -np.inf, capacity),
                bounds=Bounds(0, 1),
                integrality=np.ones(e),
            )
        chosen = np.asarray(mip.x) > 0.5
    return chosen, duals


def _union(keys: I64, rows: I64, cols: I64, n_cols: int) -> I64:
    return distinct(np.r_[keys, rows * n_cols + cols])


def solve(
    model: ScoreModel,
    mentor_capacity: I64,
    leader_capacity: I64,
    excluded: tuple[I64, I64],
    *,
    exact: bool = True,
    gap: float = 1e-7,
) -> Solution:
    """The best pairs, proven within `gap` (a share) of the optimum; or, with exact=False, the
    pairs of one LP pass over the auction-priced candidates, with the bound of step 3."""
    # The scarcer side bids in the auction: every bidder can then find a partner, and the prices
    # land on the side that has people to spare, where they decide who goes unmatched.
    flip = bool(leader_capacity.sum() < mentor_capacity.sum())
    scanner = Scanner(model, excluded, leaders_as_rows=flip)
    if flip:
        row_cap, col_cap = leader_capacity, mentor_capacity
    else:
        row_cap, col_cap = mentor_capacity, leader_capacity
    n_rows, n_cols = scanner.n_rows, scanner.n_cols
    capacity = np.r_[row_cap, col_cap].astype(np.float64)
    rules = model.rules
    scale = rules.weight_pair + rules.weight_teach + rules.weight_learn_back
    scale += rules.weight_cross_department + rules.weight_time_overlap + rules.weight_level_gap
    width = max(n_cols, 1)

    def solution(rows: I64, cols: I64, w: F64, upper: float, rounds: int, seen: int) -> Solution:
        objective = math.fsum(w)
        mentors, leaders = (cols, rows) if flip else (rows, cols)
        return Solution(mentors, leaders, w, objective, max(upper, objective), rounds, seen)

    upper = math.inf
    if n_rows * n_cols <= SMALL_ROUND_CELLS:
        keys = _all_allowed(scanner)
        complete = True
    else:
        p_rows, p_cols = pool(scanner, POOL_PER_ROW, POOL_PER_COL, scale)
        p_w = scanner.edge_scores(p_rows, p_cols)
        won = auction(p_rows, p_cols, p_w, row_cap, col_cap, AUCTION_EPS * scale)
        held = (p_rows[won.chosen], p_cols[won.chosen])
        priced = price(
            scanner, won.price, None, row_cap, col_cap, held,
            near=NEAR_TIGHT * scale, per_row=PER_ROUND,
        )  # fmt: skip
        upper = priced.upper_bound
        keys = _union(held[0] * width + held[1], priced.rows, priced.cols, width)
        complete = False
    rounds = 0
    while True:
        rounds += 1
        rows, cols = keys // width, keys % width
        w = scanner.edge_scores(rows, cols)
        if flip:  # HiGHS is markedly faster with the mentors' constraints first
            swapped = np.r_[capacity[n_rows:], capacity[:n_rows]]
            chosen, duals = _lp(n_cols, n_rows, cols, rows, w, swapped)
            duals = np.r_[duals[n_cols:], duals[:n_cols]]
        else:
            chosen, duals = _lp(n_rows, n_cols, rows, cols, w, capacity)
        objective = math.fsum(w[chosen])
        if complete:
            upper = objective
        done = complete or objective >= (1 - gap) * upper or rounds >= (MAX_ROUNDS if exact else 1)
        if not done:
            priced = price(
                scanner, duals[n_rows:], duals[:n_rows], row_cap, col_cap, (rows, cols),
                near=NEAR_TIGHT * scale, per_row=PER_ROUND,
            )  # fmt: skip
            upper = min(upper, priced.upper_bound)
            if priced.positive_outside == 0:
                upper = objective  # nothing left out can improve: optimal
            new = _union(keys, priced.rows, priced.cols, width)
            done = objective >= (1 - gap) * upper or len(new) == len(keys)
        if done:
            return solution(rows[chosen], cols[chosen], w[chosen], upper, rounds, len(keys))
        keys = new


def _all_allowed(scanner: Scanner) -> I64:
    parts = []
    for block in scanner.blocks:
        if len(block.cols) == 0:
            continue
        r, c = np.nonzero(np.isfinite(scanner.scores(block)))
        parts.append(block.rows[r] * max(scanner.n_cols, 1) + block.cols[c])
    return distinct(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
