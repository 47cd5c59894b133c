"""One side of a ScoreModel as arrays: topic bit masks, day and slot masks, and per-term codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.domain.matching.model import Candidate
from bot.domain.matching.reference import department_key
from bot.domain.matching.time_overlap import day_mask, days_of, time_mask, times_of

I64 = npt.NDArray[np.int64]


def group_codes(*columns: npt.NDArray[np.int64]) -> tuple[I64, I64]:
    """A code per row of equal column values, and one representative row per code."""
    table = np.column_stack(columns)
    _, first, codes = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return codes.reshape(-1).astype(np.int64), first.astype(np.int64)


def mask_words(sets: Sequence[frozenset[int]], bit: dict[int, int], words: int) -> I64:
    """Topic sets as bit masks, `words` 63-bit words per person (int64, so no sign bit)."""
    ints = [sum(1 << bit[t] for t in topics) for topics in sets]
    out = np.empty((len(sets), words), dtype=np.int64)
    for w in range(words):
        out[:, w] = [(x >> (63 * w)) & ((1 << 63) - 1) for x in ints]
    return out


def popcount(x: I64) -> I64:
    return np.bitwise_count(x).sum(axis=-1, dtype=np.int64)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Side:
    """One side's attributes as arrays, and its codes per score term."""

    share: I64  # (n, words) topic masks
    learn: I64
    days: I64  # 7-bit masks, Monday = bit 0
    slot: I64  # index into the model's (time-of-day mask, utc offset) table
    level: I64
    dept: I64
    codes: tuple[I64, I64, I64, I64]  # per code kind: shares, learns, availability, rank
    reps: tuple[I64, I64, I64, I64]  # per code kind: one person per code


def narrow(side: Side, idx: I64) -> Side:
    return Side(
        side.share[idx], side.learn[idx], side.days[idx], side.slot[idx], side.level[idx],
        side.dept[idx], tuple(c[idx] for c in side.codes),  # type: ignore[arg-type]
        side.reps,
    )  # fmt: skip


def encode_side(
    people: Sequence[Candidate],
    bit: dict[int, int],
    words: int,
    depts: dict[str, int],
    slot_index: dict[tuple[int, int], int],
) -> Side:
    share = mask_words([c.share_topics for c in people], bit, words)
    learn = mask_words([c.learn_topics for c in people], bit, words)
    days = np.array([day_mask(days_of(c)) for c in people], dtype=np.int64)
    slot = np.array(
        [slot_index[(time_mask(times_of(c)), c.utc_offset_minutes)] for c in people],
        dtype=np.int64,
    )
    level = np.array([c.level for c in people], dtype=np.int64)
    dept = np.array([depts[department_key(c.department)] for c in people], dtype=np.int64)
    shares, learns = group_codes(*share.T), group_codes(*learn.T)
    avail = group_codes(days, slot)
    rank = group_codes(level, dept)
    return Side(
        share, learn, days, slot, level, dept,
        (shares[0], learns[0], avail[0], rank[0]), (shares[1], learns[1], avail[1], rank[1]),
    )  # fmt: skip
