"""Near-optimal prices fast: a forward auction (Bertsekas) on a candidate pool.

The LP solver is exact but slow on many candidates; the auction is fast but only
epsilon-optimal. We use the auction for what it is good at: in a few hundred vectorised rounds
it finds an assignment within `eps` per pair of the pool's optimum, and leader prices close to
the optimal dual. Those prices then choose a small candidate set for the exact LP.

Each round, every mentor with a free slot bids for the leader that gives it the largest profit
(score minus price) among those it does not hold yet, raising that leader's price by the margin
over its second-best option plus `eps`. A leader keeps its `capacity` highest bids; its price is
its lowest kept bid once full, 0 before. Prices only rise, so the auction ends; when it does,
every mentor holds leaders within `eps` of its best options, which bounds the loss by `eps` per
pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Auctioned:
    chosen: npt.NDArray[np.bool_]  # per pool pair
    price: F64  # per column (the side bid for)
    rounds: int


def auction(
    rows: I64,
    cols: I64,
    weights: F64,
    mentor_capacity: I64,
    leader_capacity: I64,
    eps: float,
) -> Auctioned:
    """Pool pairs must be sorted by (row, col)."""
    n_rows, n_cols = len(mentor_capacity), len(leader_capacity)
    n_edges = len(weights)
    start = np.searchsorted(rows, np.arange(n_rows + 1))
    slots = max(1, int(leader_capacity.max(initial=1)))
    holder = np.full((n_cols, slots), -1, dtype=np.int64)  # pool pair held in each slot
    held_bid = np.full((n_cols, slots), np.inf)
    price = np.zeros(n_cols)
    held = np.zeros(n_edges, dtype=bool)
    count = np.zeros(n_rows, dtype=np.int64)
    active = np.flatnonzero((np.diff(start) > 0) & (mentor_capacity > 0))
    rounds = 0
    while len(active):
        rounds += 1
        # Every pool pair of every active mentor, as one flat array.
        lens = start[active + 1] - start[active]
        seg = np.r_[0, np.cumsum(lens)[:-1]]
        idx = np.repeat(start[active] - seg, lens) + np.arange(int(lens.sum()))
        group = np.repeat(np.arange(len(active)), lens)
        profit = weights[idx] - price[cols[idx]]
        profit[held[idx]] = -np.inf
        best = np.maximum.reduceat(profit, seg)
        at_best = np.flatnonzero(profit == best[group])
        first = at_best[np.r_[True, group[at_best][1:] != group[at_best][:-1]]]
        profit[first] = -np.inf
        second = np.maximum(np.maximum.reduceat(profit, seg), 0.0)  # 0: staying unmatched
        bidding = best > 0
        if not bidding.any():
            break
        bids = idx[first[bidding]]
        amount = weights[bids] - second[bidding] + eps
        # Each leader keeps its highest bids among the ones it held and the new ones.
        targets, target_of = np.unique(cols[bids], return_inverse=True)
        old = holder[targets].ravel()
        old_bid = held_bid[targets].ravel()
        old_target = np.repeat(np.arange(len(targets)), slots)
        kept = old >= 0
        cand = np.r_[old[kept], bids]
        cand_bid = np.r_[old_bid[kept], amount]
        cand_target = np.r_[old_target[kept], target_of]
        order = np.lexsort((rows[cand], -cand_bid, cand_target))
        t = cand_target[order]
        firsts = np.r_[0, np.flatnonzero(t[1:] != t[:-1]) + 1]
        rank = np.arange(len(t)) - np.repeat(firsts, np.diff(np.r_[firsts, len(t)]))
        win = rank < leader_capacity[targets[t]]
        winners = cand[order][win]
        losers = cand[order][~win]
        evicted = losers[held[losers]]
        held[evicted] = False
        np.subtract.at(count, rows[evicted], 1)
        newcomers = winners[~held[winners]]
        held[newcomers] = True
        np.add.at(count, rows[newcomers], 1)
        holder[targets] = -1
        held_bid[targets] = np.inf
        holder[targets[t[win]], rank[win]] = winners
        held_bid[targets[t[win]], rank[win]] = cand_bid[order][win]
        full = (holder[targets] >= 0).sum(axis=1) >= leader_capacity[targets]
        price[targets] = np.where(full, held_bid[targets].min(axis=1), 0.0)
        again = np.unique(np.r_[active[bidding], rows[evicted]])
        active = again[count[again] < mentor_capacity[again]]
    return Auctioned(held, price, rounds)
