"""`ScoreModel`: the score of whole blocks of (mentor, leader) pairs at once, by table look-ups."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.domain.matching.model import Candidate, MatchRules
from bot.domain.matching.reference import department_key
from bot.domain.matching.sides import encode_side, narrow, popcount
from bot.domain.matching.time_overlap import (
    DAY_BITS7,
    SHIFTED_DAYS,
    TIME_MINUTES,
    slot_overlaps,
    time_mask,
    times_of,
)

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

NOT_ALLOWED = -np.inf

# A term's table over (row code, column code) is built once when it has at most this many cells;
# beyond that (only with very many distinct topic or availability combinations) it is built per
# block, for the codes present in the block.
MAX_TABLE_CELLS = 1 << 22
# The score's terms, each with the code kinds (see Side.codes) of the mentor and the leader it
# reads: teach (what they share x what the leader learns), back (the reverse), availability and
# rank. Splitting the two topic directions keeps each table small: a term's table grows with the
# distinct combinations of the attributes it reads, not of all topics at once.
TERMS = ((0, 1), (1, 0), (2, 2), (3, 3))


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
        slots = sorted({(time_mask(times_of(c)), c.utc_offset_minutes) for c in everyone})
        slot_index = {s: i for i, s in enumerate(slots)}
        self.offset_of_slot = np.array([o for _, o in slots], dtype=np.int64)
        self._slot_minutes = slot_overlaps(slots)
        self._slot_time_minutes = TIME_MINUTES[[t for t, _ in slots]]
        self.mentors = encode_side(mentors, bit, words, depts, slot_index)
        self.leaders = encode_side(leaders, bit, words, depts, slot_index)
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

    def _term(self, term: int, r: I64, c: I64) -> F64:
        """One score term for mentors r and leaders c (index arrays that broadcast together),
        positions in the full lists the model was built from."""
        m, ld, rules = self._all_mentors, self._all_leaders, self.rules
        if term == 0:  # what the mentor can teach; nothing the leader wants is not allowed
            inter = popcount(m.share[r] & ld.learn[c])
            wanted = np.maximum(popcount(ld.learn[c]), 1)
            return np.where(inter > 0, rules.weight_teach * (inter / wanted), NOT_ALLOWED)
        if term == 1:  # what the leader can share back
            back = popcount(m.learn[r] & ld.share[c])
            asked = np.maximum(popcount(m.learn[r]), 1)
            return rules.weight_learn_back * (back / asked)
        if term == 2:  # availability, with time zones; too far apart is not allowed
            sa, sb, da, db = m.slot[r], ld.slot[c], m.days[r], ld.days[c]
            minutes = sum(
                SHIFTED_DAYS[k][da, db] * self._slot_minutes[k][sa, sb] for k in (-1, 0, 1)
            )
            least = np.minimum(
                DAY_BITS7[da] * self._slot_time_minutes[sa],
                DAY_BITS7[db] * self._slot_time_minutes[sb],
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
        out.mentors = narrow(self.mentors, mentors)
        out.leaders = narrow(self.leaders, leaders)
        return out

    def overlap_minutes(self, rows: I64, cols: I64) -> I64:
        """Weekly minutes both prefer, for pairs (rows[i], cols[i])."""
        m, ld = self.mentors, self.leaders
        sa, sb, da, db = m.slot[rows], ld.slot[cols], m.days[rows], ld.days[cols]
        out = np.zeros(len(rows), dtype=np.int64)
        for k in (-1, 0, 1):
            out += SHIFTED_DAYS[k][da, db] * self._slot_minutes[k][sa, sb]
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
