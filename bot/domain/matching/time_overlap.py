"""Weekly meeting-time overlap of two people: the readable count and ScoreModel's lookup tables."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bot.domain.matching.model import Candidate
from bot.domain.profile import DAYS, TIME_WINDOWS, TIMES

I32 = npt.NDArray[np.int32]

WINDOWS = TIME_WINDOWS
assert tuple(WINDOWS) == TIMES
DAY_INDEX = {d: i for i, d in enumerate(DAYS)}  # mon = 0; the week has 7 days for wrap-around
DAY = 24 * 60
WEEK = 7 * DAY


def days_of(c: Candidate) -> frozenset[str]:
    return c.days or frozenset(DAYS)


def times_of(c: Candidate) -> frozenset[str]:
    return c.times or frozenset(TIMES)


def weekly_intervals(c: Candidate) -> list[tuple[int, int]]:
    """The person's preferred slots as UTC minutes since Monday 00:00 UTC (may fall outside)."""
    return [
        (
            DAY_INDEX[d] * DAY + s - c.utc_offset_minutes,
            DAY_INDEX[d] * DAY + e - c.utc_offset_minutes,
        )
        for d in days_of(c)
        if d in DAY_INDEX
        for s, e in (WINDOWS[t] for t in times_of(c) if t in WINDOWS)
    ]


def overlap_minutes(a: Candidate, b: Candidate) -> int:
    """Minutes per week that are preferred by both, on the weekly circle (Sunday wraps)."""
    total = 0
    for s1, e1 in weekly_intervals(a):
        for s2, e2 in weekly_intervals(b):
            for wrap in (-WEEK, 0, WEEK):
                total += max(0, min(e1, e2 + wrap) - max(s1, s2 + wrap))
    return total


def available_minutes(c: Candidate) -> int:
    return sum(e - s for s, e in weekly_intervals(c))


# ---------------------------------------------------------------------------------------------
# Lookup tables for the vectorised model

DAY_BITS7 = np.array([bin(m).count("1") for m in range(128)], dtype=np.int64)
# ROT[k][mask]: the same days moved k days later in the week, Sunday wrapping to Monday.
ROT = np.array(
    [[((m << k) | (m >> (7 - k))) & 0x7F for m in range(128)] for k in range(7)], dtype=np.int64
)
SHIFTED_DAYS = {  # days both have, when one side's day d falls on the other's day d + k
    k: DAY_BITS7[np.arange(128)[:, None] & ROT[k % 7][None, :]].astype(np.int32) for k in (-1, 0, 1)
}
WINDOW_LIST = [WINDOWS[t] for t in TIMES]
TIME_MINUTES = np.array(
    [sum(e - s for i, (s, e) in enumerate(WINDOW_LIST) if m >> i & 1) for m in range(8)],
    dtype=np.int64,
)


def day_mask(days: frozenset[str]) -> int:
    return sum(1 << DAY_INDEX[d] for d in days if d in DAY_INDEX)


def time_mask(times: frozenset[str]) -> int:
    return sum(1 << i for i, t in enumerate(TIMES) if t in times)


def slot_overlaps(slots: list[tuple[int, int]]) -> dict[int, I32]:
    """Minutes of overlap, per day shift k, between two (times, offset) slots on one day.

    Row slot a's day d meets column slot b's day d - k when b's windows, moved into a's
    local time, spill k days over; the offset gap is at most 26 h, so k is -1, 0 or 1.
    """
    times = np.array([t for t, _ in slots], dtype=np.int64)
    offsets = np.array([o for _, o in slots], dtype=np.int64)
    delta = offsets[:, None] - offsets[None, :]  # add to b's local time to get a's
    out: dict[int, I32] = {}
    for k in (-1, 0, 1):
        shift = delta - k * DAY
        minutes = np.zeros(delta.shape, dtype=np.int64)
        for i, (s1, e1) in enumerate(WINDOW_LIST):
            for j, (s2, e2) in enumerate(WINDOW_LIST):
                both = (times[:, None] >> i & 1) & (times[None, :] >> j & 1)
                overlap = np.minimum(e1, e2 + shift) - np.maximum(s1, s2 + shift)
                minutes += np.clip(overlap, 0, None) * both
        out[k] = minutes.astype(np.int32)  # half the memory traffic of the lookups
    return out
