"""How well a reverse mentor and a leader fit: the hard rules and the score.

`pair_score` is the plain reference, one pair at a time, written to be read; `ScoreModel` computes
the same numbers for whole blocks of pairs with numpy. Every term depends on only a few attributes
of each side, so the model turns each attribute group into small integer codes and precomputes a
table per group (topics, availability, level and department); scoring a block of pairs is then
four table look-ups and three additions per pair. Tests hold the two implementations equal.

This module gathers the names; the code lives in `reference` (the one-pair reference and the hard
rules), `time_overlap` (meeting windows, weekly overlap and its lookup tables), `sides` (each
side's attributes as arrays and codes) and `score_model` (`ScoreModel`).
"""

from bot.domain.matching.reference import (
    Fit,
    department_key,
    excluded,
    fit,
    pair_score,
    profiles_compatible,
    score_of,
)
from bot.domain.matching.score_model import MAX_TABLE_CELLS, NOT_ALLOWED, TERMS, ScoreModel
from bot.domain.matching.time_overlap import WINDOWS, available_minutes, overlap_minutes

__all__ = [
    "MAX_TABLE_CELLS",
    "NOT_ALLOWED",
    "TERMS",
    "WINDOWS",
    "Fit",
    "ScoreModel",
    "available_minutes",
    "department_key",
    "excluded",
    "fit",
    "overlap_minutes",
    "pair_score",
    "profiles_compatible",
    "score_of",
]
