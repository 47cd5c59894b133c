"""How well a reverse mentor and a leader fit: the hard rules and the score.

`pair_score` is the plain reference, one pair at a time, written to be read; `ScoreModel` computes
the same numbers for whole blocks of pairs with numpy. Every term depends on only a few attributes
of each side, so the model turns each attribute group into small integer codes and precomputes a
table per group (topics, availability, level and department); scoring a block of pairs is then
four table look-ups and three additions per pair. Tests hold the two implementations equal.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.domain.matching.model import Candidate, MatchRules
from bot.domain.profile import DAYS, TIMES

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

# Local meeting windows, minutes after midnight. TIMES names them; the hours are ours.
WINDOWS: dict[str, tuple[int, int]] = {
    "morning": (9 * 60, 12 * 60),
    "midday": (12 * 60, 14 * 60),
    "afternoon": (14 * 60, 17 * 60),
}
assert tuple(WINDOWS) == TIMES
_DAY_INDEX = {d: i for i, d in enumerate(DAYS)}  # mon = 0; the week has 7 days for wrap-around
_DAY = 24 * 60
_WEEK = 7 * _DAY
NOT_ALLOWED = -np.inf


@dataclass(frozen=True, slots=True)
class Fit:
    """The parts of one pair's score, each in [0, 1], and the topics behind them."""

    teach: float
    learn_back: float
    cross_department: bool
    time_overlap: float
    overlap_minutes: int
    level_gap: int
    level_fit: float
    teach_topics: frozenset[int]
    back_topics: frozenset[int]


def department_key(department: str) -> str:
    return " ".join(department.casefold().split())


def _days(c: Candidate) -> frozenset[str]:
    return c.days or frozenset(DAYS)


def _times(c: Candidate) -> frozenset[str]:
    return c.times or frozenset(TIMES)


def _weekly_intervals(c: Candidate) -> list[tuple[int, int]]:
    """The person's preferred slots as UTC minutes since Monday 00:00 UTC (may fall outside)."""
    return [
        (
            _DAY_INDEX[d] * _DAY + s - c.utc_offset_minutes,
            _DAY_INDEX[d] * _DAY + e - c.utc_offset_minutes,
        )
        for d in _days(c)
        if d in _DAY_INDEX
        for s, e in (WINDOWS[t] for t in _times(c) if t in WINDOWS)
    ]


def overlap_minutes(a: Candidate, b: Candidate) -> int:
    """Minutes per week that are preferred by both, on the weekly circle (Sunday wraps)."""
    total = 0
    for s1, e1 in _weekly_intervals(a):
        for s2, e2 in _weekly_intervals(b):
            for wrap in (-_WEEK, 0, _WEEK):
                total += max(0, min(e1, e2 + wrap) - max(s1, s2 + wrap))
    return total


def available_minutes(c: Candidate) -> int:
    return sum(e - s for s, e in _weekly_intervals(c))


def fit(mentor: Candidate, leader: Candidate, rules: MatchRules) -> Fit:
    teach_topics = mentor.share_topics & leader.learn_topics
    back_topics = mentor.learn_topics & leader.share_topics
    minutes = overlap_minutes(mentor, leader)
    least = min(available_minutes(mentor), available_minutes(leader))
    gap = leader.level - mentor.level
    table = rules.level_gap_fit
    return Fit(
        teach=len(teach_topics) / len(leader.learn_topics) if leader.learn_topics else 0.0,
        learn_back=len(back_topics) / len(mentor.learn_topics) if mentor.learn_topics else 0.0,
        cross_department=department_key(mentor.department) != department_key(leader.department),
        time_overlap=minutes / least if least else 0.0,
        overlap_minutes=minutes,
        level_gap=gap,
        level_fit=table[min(gap, len(table) - 1)] if gap > 0 else 0.0,
        teach_topics=teach_topics,
        back_topics=back_topics,
    )


def profiles_compatible(mentor: Candidate, leader: Candidate, rules: MatchRules) -> bool:
    """The hard rules that depend on profiles only (not on history or block lists)."""
    return (
        mentor.id != leader.id
        and mentor.level < leader.level
        and abs(mentor.utc_offset_minutes - leader.utc_offset_minutes)
        <= rules.max_timezone_gap_minutes
        and not (
            rules.cross_department == "required"
            and department_key(mentor.department) == department_key(leader.department)
        )
        and bool(mentor.share_topics & leader.learn_topics)
    )


def excluded(a: Candidate, b: Candidate) -> bool:
    """An earlier pair, or a block either way."""
    return (
        b.id in a.past_partners or a.id in b.past_partners or b.id in a.blocked or a.id in b.blocked
    )


def pair_score(mentor: Candidate, leader: Candidate, rules: MatchRules) -> float | None:
    """The score of `mentor` teaching `leader`, or None when a hard rule forbids the pair.

    Roles are not checked here: the caller decides who shares and who learns this round.
    """
    if not profiles_compatible(mentor, leader, rules) or excluded(mentor, leader):
        return None
    return score_of(fit(mentor, leader, rules), rules)


def score_of(f: Fit, rules: MatchRules) -> float:
    cross = rules.weight_cross_department if rules.cross_department == "preferred" else 0.0
    return (
        rules.weight_pair
        + rules.weight_teach * f.teach
        + rules.weight_learn_back * f.learn_back
        + cross * f.cross_department
        + rules.weight_time_overlap * f.time_overlap
        + rules.weight_level_gap * f.level_fit
    )


# ---------------------------------------------------------------------------------------------
# Vectorised scoring

# A term's table over (row code, column code) is built once when it has at most this many cells;
# beyond that (only with very many distinct topic or availability combinations) it is built per
# block, for the codes present in the block.
MAX_TABLE_CELLS = 1 << 22
# The score's terms, each with the code kinds (see _Side.codes) of the mentor and the leader it
# reads: teach (what they share x what the leader learns), back (the reverse), availability and
# rank. Splitting the two topic directions keeps each table small: a term's table grows with the
# distinct combinations of the attributes it reads, not of all topics at once.
TERMS = ((0, 1), (1, 0), (2, 2), (3, 3))

_DAY_BITS7 = np.array([bin(m).count("1") for m in range(128)], dtype=np.int64)
# _ROT[k][mask]: the same days moved k days later in the week, Sunday wrapping to Monday.
_ROT = np.array(
    [[((m << k) | (m >> (7 - k))) & 0x7F for m in range(128)] for k in range(7)], dtype=np.int64
)
_SHIFTED_DAYS = {  # days both have, when one side's day d falls on the other's day d + k
    k: _DAY_BITS7[np.arange(128)[:, None] & _ROT[k % 7][None, :]].astype(np.int32)
    for k in (-1, 0, 1)
}
_WINDOW_LIST = [WINDOWS[t] for t in TIMES]
_TIME_MINUTES = np.array(
    [sum(e - s for i, (s, e) in enumerate(_WINDOW_LIST) if m >> i & 1) for m in range(8)],
    dtype=np.int64,
)


def _day_mask(days: frozenset[str]) -> int:
    return sum(1 << _DAY_INDEX[d] for d in days if d in _DAY_INDEX)


def _time_mask(times: frozenset[str]) -> int:
    return sum(1 << i for i, t in enumerate(TIMES) if t in times)


def _codes(*columns: npt.NDArray[np.int64]) -> tuple[I64, I64]:
    """A code per row of equal column values, and one representative row per code."""
    table = np.column_stack(columns)
    _, first, codes = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return codes.reshape(-1).astype(np.int64), first.astype(np.int64)


def _mask_words(sets: Sequence[frozenset[int]], bit: dict[int, int], words: int) -> I64:
    """Topic sets as bit masks, `words` 63-bit words per person (int64, so no sign bit)."""
    ints = [sum(1 << bit[t] for t in topics) for topics in sets]
    out = np.empty((len(sets), words), dtype=np.int64)
    for w in range(words):
        out[:, w] = [(x >> (63 * w)) & ((1 << 63) - 1) for x in ints]
    return out


def _popcount(x: I64) -> I64:
    return np.bitwise_count(x).sum(axis=-1, dtype=np.int64)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class _Side:
    """One side's attributes as arrays, and its codes per score term."""

    share: I64  # (n, words) topic masks
    learn: I64
    days: I64  # 7-bit masks, Monday = bit 0
    slot: I64  # index into the model's (time-of-day mask, utc offset) table
    level: I64
    dept: I64
    codes: tuple[I64, I64, I64, I64]  # per code kind: shares, learns, availability, rank
    reps: tuple[I64, I64, I64, I64]  # per code kind: one person per code


def _narrow(side: _Side, idx: I64) -> _Side:
    return _Side(
        side.share[idx], side.learn[idx], side.days[idx], side.slot[idx], side.level[idx],
        side.dept[idx], tuple(c[idx] for c in side.codes),  # type: ignore[arg-type]
        side.reps,
    )  # fmt: skip


class ScoreModel:
    """Scores of mentors (rows) against leaders (columns), in the order given.

    Scores here include the hard rules that depend on profiles (as -inf); history and block lists
    are per pair, so the optimiser applies them. `block` is float32, for scanning many pairs;
    `edge_scores` is float64, and equals `pair_score` to rounding.
    """

    def __init__(
        self,
        mentors: Sequence[Candidate],
        leaders: Sequence[Candidate],
        rules: MatchRules,
        *,
        max_table_cells: int = MAX_TABLE_CELLS,
    ) -> None:
        self.rules = rules
        everyone = (*mentors, *leaders)
        topics = sorted({t for c in everyone for t in c.share_topics | c.learn_topics})
        bit = {t: i for i, t in enumerate(topics)}
        words = max(1, -(-len(topics) // 63))
        depts = {
            d: i for i, d in enumerate(sorted({department_key(c.department) for c in everyone}))
        }
        slots = sorted({(_time_mask(_times(c)), c.utc_offset_minutes) for c in everyone})
        slot_index = {s: i for i, s in enumerate(slots)}
        self.offset_of_slot = np.array([o for _, o in slots], dtype=np.int64)
        self._slot_minutes = self._slot_overlaps(slots)
        self._slot_time_minutes = _TIME_MINUTES[[t for t, _ in slots]]
        self.mentors = self._side(mentors, bit, words, depts, slot_index)
        self.leaders = self._side(leaders, bit, words, depts, slot_index)
        # Codes' representatives index these; `subset` narrows `mentors` and `leaders` only.
        self._all_mentors, self._all_leaders = self.mentors, self.leaders
        self._tables64: list[F64 | None] = []
        self._tables32: list[F32 | None] = []
        self._tables32_t: list[F32 | None] = [None] * len(TERMS)
        for term, (a, b) in enumerate(TERMS):
            rows, cols = self.mentors.reps[a], self.leaders.reps[b]
            if len(rows) * len(cols) <= max_table_cells:
                table = self._term(term, rows[:, None], cols[None, :])
                if term == 0:
                    table += rules.weight_pair  # folded into one table: one addition fewer
                self._tables64.append(table)
                self._tables32.append(table.astype(np.float32))
            else:
                self._tables64.append(None)
                self._tables32.append(None)

    @staticmethod
    def _slot_overlaps(slots: list[tuple[int, int]]) -> dict[int, I32]:
        """Minutes of overlap, per day shift k, between two (times, offset) slots on one day.

        Row slot a's day d meets column slot b's day d - k when b's windows, moved into a's
        local time, spill k days over; the offset gap is at most 26 h, so k is -1, 0 or 1.
        """
        times = np.array([t for t, _ in slots], dtype=np.int64)
        offsets = np.array([o for _, o in slots], dtype=np.int64)
        delta = offsets[:, None] - offsets[None, :]  # add to b's local time to get a's
        out: dict[int, I32] = {}
        for k in (-1, 0, 1):
            shift = delta - k * _DAY
            minutes = np.zeros(delta.shape, dtype=np.int64)
            for i, (s1, e1) in enumerate(_WINDOW_LIST):
                for j, (s2, e2) in enumerate(_WINDOW_LIST):
                    both = (times[:, None] >> i & 1) & (times[None, :] >> j & 1)
                    overlap = np.minimum(e1, e2 + shift) - np.maximum(s1, s2 + shift)
                    minutes += np.clip(overlap, 0, None) * both
            out[k] = minutes.astype(np.int32)  # half the memory traffic of the lookups
        return out

    @staticmethod
    def _side(
        people: Sequence[Candidate],
        bit: dict[int, int],
        words: int,
        depts: dict[str, int],
        slot_index: dict[tuple[int, int], int],
    ) -> _Side:
        share = _mask_words([c.share_topics for c in people], bit, words)
        learn = _mask_words([c.learn_topics for c in people], bit, words)
        days = np.array([_day_mask(_days(c)) for c in people], dtype=np.int64)
        slot = np.array(
            [slot_index[(_time_mask(_times(c)), c.utc_offset_minutes)] for c in people],
            dtype=np.int64,
        )
        level = np.array([c.level for c in people], dtype=np.int64)
        dept = np.array([depts[department_key(c.department)] for c in people], dtype=np.int64)
        shares, learns = _codes(*share.T), _codes(*learn.T)
        avail = _codes(days, slot)
        rank = _codes(level, dept)
        return _Side(
            share, learn, days, slot, level, dept,
            (shares[0], learns[0], avail[0], rank[0]), (shares[1], learns[1], avail[1], rank[1]),
        )  # fmt: skip

    def _term(self, term: int, r: I64, c: I64) -> F64:
        """One score term for mentors r and leaders c (index arrays that broadcast together),
        positions in the full lists the model was built from."""
        m, ld, rules = self._all_mentors, self._all_leaders, self.rules
        if term == 0:  # what the mentor can teach; nothing the leader wants is not allowed
            inter = _popcount(m.share[r] & ld.learn[c])
            wanted = np.maximum(_popcount(ld.learn[c]), 1)
            return np.where(inter > 0, rules.weight_teach * (inter / wanted), NOT_ALLOWED)
        if term == 1:  # what the leader can share back
            back = _popcount(m.learn[r] & ld.share[c])
            asked = np.maximum(_popcount(m.learn[r]), 1)
            return rules.weight_learn_back * (back / asked)
        if term == 2:  # availability, with time zones; too far apart is not allowed
            sa, sb, da, db = m.slot[r], ld.slot[c], m.days[r], ld.days[c]
            minutes = sum(
                _SHIFTED_DAYS[k][da, db] * self._slot_minutes[k][sa, sb] for k in (-1, 0, 1)
            )
            least = np.minimum(
                _DAY_BITS7[da] * self._slot_time_minutes[sa],
                _DAY_BITS7[db] * self._slot_time_minutes[sb],
            )
            out = rules.weight_time_overlap * (minutes / np.maximum(least, 1))
            gap = np.abs(self.offset_of_slot[sa] - self.offset_of_slot[sb])
            return np.where(gap <= rules.max_timezone_gap_minutes, out, NOT_ALLOWED)
        # rank: level gap and department
        gap = ld.level[c] - m.level[r]
        fit_table = np.array(rules.level_gap_fit, dtype=np.float64)
        out = rules.weight_level_gap * fit_table[np.clip(gap, 0, len(fit_table) - 1)]
        same = m.dept[r] == ld.dept[c]
        if rules.cross_department == "preferred":
            out = out + rules.weight_cross_department * ~same
        allowed = gap >= 1
        if rules.cross_department == "required":
            allowed &= ~same
        return np.where(allowed, out, NOT_ALLOWED)

    def block(self, rows: I64, cols: I64, *, leaders_as_rows: bool = False) -> F32:
        """Scores of rows x cols (float32), -inf where a profile rule forbids the pair.

        Rows are mentors and columns leaders, or the other way round with `leaders_as_rows`.
        """
        out: F32 | None = None
        for term, (a, b) in enumerate(TERMS):
            m_idx, l_idx = (cols, rows) if leaders_as_rows else (rows, cols)
            mc, lc = self.mentors.codes[a][m_idx], self.leaders.codes[b][l_idx]
            table = self._tables32[term]
            if table is None:
                um, mc = np.unique(mc, return_inverse=True)
                ul, lc = np.unique(lc, return_inverse=True)
                reps_m, reps_l = self.mentors.reps[a][um], self.leaders.reps[b][ul]
                full = self._term(term, reps_m[:, None], reps_l[None, :])
                table = (full + (self.rules.weight_pair if term == 0 else 0.0)).astype(np.float32)
            if leaders_as_rows:
                table = self._transposed(term, table)
                rc, cc = lc, mc
            else:
                rc, cc = mc, lc
            # Gathering whole table rows first, then columns, is about 3x faster than one 2-D
            # fancy index: the second step reads contiguous rows.
            part = np.take(table[rc], cc, axis=1)
            if out is None:
                out = part
            else:
                out += part
        assert out is not None
        return out

    def _transposed(self, term: int, table: F32) -> F32:
        if self._tables32[term] is not table:  # built for this block only
            return np.ascontiguousarray(table.T)
        cached = self._tables32_t[term]
        if cached is None:
            cached = np.ascontiguousarray(table.T)
            self._tables32_t[term] = cached
        return cached

    def subset(self, mentors: I64, leaders: I64) -> ScoreModel:
        """The same model restricted to some mentors and leaders (positions), tables shared."""
        out = copy.copy(self)
        out.mentors = _narrow(self.mentors, mentors)
        out.leaders = _narrow(self.leaders, leaders)
        return out

    def overlap_minutes(self, rows: I64, cols: I64) -> I64:
        """Weekly minutes both prefer, for pairs (rows[i], cols[i])."""
        m, ld = self.mentors, self.leaders
        sa, sb, da, db = m.slot[rows], ld.slot[cols], m.days[rows], ld.days[cols]
        out = np.zeros(len(rows), dtype=np.int64)
        for k in (-1, 0, 1):
            out += _SHIFTED_DAYS[k][da, db] * self._slot_minutes[k][sa, sb]
        return out

    def edge_scores(self, rows: I64, cols: I64) -> F64:
        """Scores of the pairs (rows[i], cols[i]) in float64."""
        out = np.zeros(len(rows), dtype=np.float64)
        for term, (a, b) in enumerate(TERMS):
            rc, cc = self.mentors.codes[a][rows], self.leaders.codes[b][cols]
            table = self._tables64[term]
            if table is not None:
                out += table[rc, cc]
            else:
                out += self._term(term, self.mentors.reps[a][rc], self.leaders.reps[b][cc])
                out += self.rules.weight_pair if term == 0 else 0.0
        return out
