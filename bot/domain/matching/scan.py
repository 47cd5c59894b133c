"""Walking every allowed (mentor, leader) pair in blocks, without ever holding them all.

A round of 20,000 people allows tens of millions of pairs. Mentors are sorted by time zone and
cut into blocks; a block's leaders are the contiguous slice (in time-zone order) close enough to
meet, so every pair a time zone forbids is skipped without being scored. Each block is a dense
float32 matrix of a few million cells: fast to score with numpy, small enough for the memory
budget. Two passes use it: `pool` (candidate pairs by score alone) and `price` (pairs by reduced
cost against dual prices, with the Lagrangian upper bound that certifies how good a solution is).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from bot.domain.matching.score import ScoreModel

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

# Cells per block: 8 MB of float32, plus the temporaries numpy makes while selecting.
BLOCK_CELLS = 1 << 21
# float32 scores carry about 1e-6 of relative noise; reduced costs below this are zero.
REDUCED_COST_TOL = 1e-5
# Threads scanning blocks at once; the results are combined in block order, so they are the
# same for any number of workers.
WORKERS = min(4, os.cpu_count() or 1)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Block:
    rows: I64  # mentor indices
    cols: I64  # leader indices: a contiguous slice of the leaders in time-zone order
    col_lo: int
    excluded: tuple[I64, I64]  # block-local (row, col) of pairs that history or a block forbids


class Scanner:
    """The pairs of a round as a rows x columns matrix, walked in blocks.

    Rows are the side that bids in the auction (see `solve`): mentors, or leaders when
    `leaders_as_rows`. Indices are positions in the model's mentor and leader lists.
    """

    def __init__(
        self, model: ScoreModel, excluded: tuple[I64, I64], *, leaders_as_rows: bool = False
    ) -> None:
        self.model = model
        self.leaders_as_rows = leaders_as_rows
        gap = model.rules.max_timezone_gap_minutes
        m_off = model.offset_of_slot[model.mentors.slot]
        l_off = model.offset_of_slot[model.leaders.slot]
        r_off, c_off = (l_off, m_off) if leaders_as_rows else (m_off, l_off)
        self.n_rows, self.n_cols = len(r_off), len(c_off)
        row_order = np.argsort(r_off, kind="stable")
        col_order = np.argsort(c_off, kind="stable")
        self.col_pos = np.empty(self.n_cols, dtype=np.int64)
        self.col_pos[col_order] = np.arange(self.n_cols)
        sorted_off = c_off[col_order]
        per_block = max(16, BLOCK_CELLS // max(1, self.n_cols))
        self.block_of_row = np.empty(self.n_rows, dtype=np.int64)
        self.local_row = np.empty(self.n_rows, dtype=np.int64)
        starts = range(0, self.n_rows, per_block)
        for b, start in enumerate(starts):
            rows = row_order[start : start + per_block]
            self.block_of_row[rows] = b
            self.local_row[rows] = np.arange(len(rows))
        ex_rows, ex_cols = excluded[::-1] if leaders_as_rows else excluded
        ex_block = self.block_of_row[ex_rows]
        self.blocks: list[Block] = []
        for b, start in enumerate(starts):
            rows = row_order[start : start + per_block]
            lo = int(np.searchsorted(sorted_off, r_off[rows].min() - gap, "left"))
            hi = int(np.searchsorted(sorted_off, r_off[rows].max() + gap, "right"))
            mine = ex_block == b
            lr, lc = self.local_row[ex_rows[mine]], self.col_pos[ex_cols[mine]] - lo
            inside = (lc >= 0) & (lc < hi - lo)
            self.blocks.append(Block(rows, col_order[lo:hi], lo, (lr[inside], lc[inside])))

    def edge_scores(self, rows: I64, cols: I64) -> F64:
        if self.leaders_as_rows:
            return self.model.edge_scores(cols, rows)
        return self.model.edge_scores(rows, cols)

    def scores(self, block: Block) -> F32:
        """The block's scores, -inf for every pair a hard rule forbids."""
        out = self.model.block(block.rows, block.cols, leaders_as_rows=self.leaders_as_rows)
        out[block.excluded] = -np.inf
        return out

    def split(self, rows: I64, cols: I64) -> list[tuple[I64, I64]]:
        """Pairs grouped by block, as block-local (row, col); pairs outside any window dropped."""
        which = self.block_of_row[rows]
        order = np.argsort(which, kind="stable")
        bounds = np.searchsorted(which[order], np.arange(len(self.blocks) + 1))
        out: list[tuple[I64, I64]] = []
        for b, block in enumerate(self.blocks):
            mine = order[bounds[b] : bounds[b + 1]]
            lr, lc = self.local_row[rows[mine]], self.col_pos[cols[mine]] - block.col_lo
            inside = (lc >= 0) & (lc < len(block.cols))
            out.append((lr[inside], lc[inside]))
        return out


def each_block(work: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`work` on every block, in order. Blocks are independent and numpy releases the GIL for
    their sorting and gathering, so a second core halves the scan of a large round."""
    items = list(items)
    if len(items) < 2 or WORKERS < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(work, items))


def distinct(keys: I64) -> I64:
    """Sorted distinct values (np.unique's hash path is several times slower on ~10^6 ints)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _concat(parts: list[I64]) -> I64:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def top_per_group(group: I64, value: F32 | F64, k: int) -> npt.NDArray[np.bool_]:
    """Mask of the k largest values within each group (ties: the earlier entry)."""
    if len(group) == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((np.arange(len(group)), -value, group))
    g = group[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    starts = np.repeat(first, np.diff(np.r_[first, len(g)]))
    keep = np.zeros(len(group), dtype=bool)
    keep[order] = (np.arange(len(g)) - starts) < k
    return keep


def _tie_breaker(rows: I64, cols: I64, size: float) -> F32:
    """A deterministic per-pair offset in [0, size): spreads exact ties over many partners, so
    that a hundred equally good mentors do not all short-list the same few leaders."""
    h = (rows.astype(np.uint32)[:, None] * np.uint32(2654435761)) ^ (
        cols.astype(np.uint32)[None, :] * np.uint32(40503)
    )
    return ((h >> np.uint32(20)).astype(np.float32)) * np.float32(size / 4096.0)


def pool(scanner: Scanner, per_row: int, per_col: int, scale: float) -> tuple[I64, I64]:
    """Candidate pairs by score alone: each row's best `per_row` columns and each column's best
    `per_col` rows (exactly when the blocks are few, else from each block's best few), so that
    columns nobody ranks first still get candidates."""
    rows_out: list[I64] = []
    cols_out: list[I64] = []
    col_rows: list[I64] = []
    col_cols: list[I64] = []
    col_vals: list[F32] = []
    per_block_col = max(1, -(-per_col // max(1, len(scanner.blocks))))

    def one(block: Block) -> tuple[I64, I64, I64, I64, F32] | None:
        n_r, n_c = len(block.rows), len(block.cols)
        if n_c == 0:
            return None
        b = scanner.scores(block)
        b += _tie_breaker(block.rows, block.cols, 1e-4 * scale)
        if n_c <= per_row:
            keep = np.isfinite(b)
        else:
            threshold = np.partition(b, n_c - per_row, axis=1)[:, n_c - per_row]
            keep = (b >= threshold[:, None]) & np.isfinite(b)
        r, c = np.divmod(np.flatnonzero(keep), n_c)
        k = min(per_block_col, n_r)
        if k == 1:
            top = b.argmax(axis=0)[None, :]
        else:
            top = np.argpartition(b, n_r - k, axis=0)[n_r - k :, :]
        vals = np.take_along_axis(b, top, axis=0)
        ok = np.isfinite(vals)
        return (
            block.rows[r], block.cols[c], block.rows[top[ok]], block.cols[np.nonzero(ok)[1]],
            vals[ok],
        )  # fmt: skip

    for found in each_block(one, scanner.blocks):
        if found is None:
            continue
        rows_out.append(found[0])
        cols_out.append(found[1])
        col_rows.append(found[2])
        col_cols.append(found[3])
        col_vals.append(found[4])
    if col_rows:
        cr, cc = np.concatenate(col_rows), np.concatenate(col_cols)
        keep = top_per_group(cc, np.concatenate(col_vals), per_col)
        rows_out.append(cr[keep])
        cols_out.append(cc[keep])
    rows, cols = _concat(rows_out), _concat(cols_out)
    keys = distinct(rows * scanner.n_cols + cols)
    return keys // max(scanner.n_cols, 1), keys % max(scanner.n_cols, 1)


@dataclass(frozen=True, slots=True)
class Priced:
    rows: I64  # pairs worth adding to the candidates
    cols: I64
    upper_bound: float  # no solution scores more
    positive_outside: int  # cells outside the candidates with a positive reduced cost


def price(
    scanner: Scanner,
    col_price: F64,
    row_price: F64 | None,
    row_capacity: I64,
    col_capacity: I64,
    candidates: tuple[I64, I64],
    *,
    near: float,
    per_row: int,
) -> Priced:
    """Scan every allowed pair against dual prices.

    The bound: for any prices u (rows) and v (columns) >= 0, the Lagrangian dual
    sum(cap_r * u) + sum(cap_c * v) + sum over all pairs of max(0, score - u - v) is at least
    the score of every solution. For the given v we use each row's best u: its capacity-th
    best profit (score - v), the smallest such bound.

    The pairs: reduced cost = profit - u, with the caller's u when given, else the best u above.
    Pairs above -`near` are returned, the best `per_row` per row and per column: the positive
    ones can improve the solution, the nearly tight ones pin the LP's degenerate dual prices down
    so that the next bound is tight. `positive_outside` counts non-candidates with a positive
    reduced cost: none means the candidates' optimum is optimal.
    """
    v32 = col_price.astype(np.float32)
    per_block = scanner.split(*candidates)
    bound = float(col_capacity @ col_price)
    positive_outside = 0
    found_r: list[I64] = []
    found_c: list[I64] = []
    found_v: list[F32] = []

    def one(b: int) -> tuple[float, int, I64, I64, F32] | None:
        block = scanner.blocks[b]
        n_r, n_c = len(block.rows), len(block.cols)
        if n_c == 0:
            return None
        cap = row_capacity[block.rows]
        rc = scanner.scores(block)
        rc -= v32[block.cols][None, :]
        k = int(min(cap.max(), n_c))
        best = np.partition(rc, n_c - k, axis=1)[:, n_c - k :]  # the k best, unordered
        best.sort(axis=1)
        nth = best[np.arange(n_r), np.maximum(k - cap, 0)]
        u_best = np.where(cap > k, np.float32(0), np.maximum(nth, np.float32(0)))
        part = float(cap @ u_best.astype(np.float64))
        excess = rc - u_best[:, None]
        part += float(np.sum(excess, where=excess > REDUCED_COST_TOL, dtype=np.float64))
        if row_price is None:
            rc = excess
        else:
            rc -= row_price[block.rows].astype(np.float32)[:, None]
        lr, lc = per_block[b]
        rc[lr, lc] = -np.inf
        positive = int(np.count_nonzero(rc > REDUCED_COST_TOL))
        r, c = np.divmod(np.flatnonzero(rc > -near), n_c)
        if len(r) > 4 * per_row * n_r:  # a poor start: cap each row before sorting
            k = min(4 * per_row, n_c)
            top = np.argpartition(rc, n_c - k, axis=1)[:, n_c - k :]
            r, c = np.repeat(np.arange(n_r), k), top.ravel()
            keep = rc[r, c] > -near
            r, c = r[keep], c[keep]
        return part, positive, block.rows[r], block.cols[c], rc[r, c]

    for found in each_block(one, range(len(scanner.blocks))):
        if found is None:
            continue
        bound += found[0]  # in block order, so the sum is the same on every run
        positive_outside += found[1]
        found_r.append(found[2])
        found_c.append(found[3])
        found_v.append(found[4])
    rows, cols = _concat(found_r), _concat(found_c)
    if len(rows):
        vals = np.concatenate(found_v)
        keep = top_per_group(rows, vals, per_row) | top_per_group(cols, vals, per_row)
        rows, cols = rows[keep], cols[keep]
    return Priced(rows, cols, bound, positive_outside)
