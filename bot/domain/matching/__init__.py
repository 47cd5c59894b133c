"""Matching: the best reverse-mentoring pairs for a whole round at once. Pure: no I/O.

    match(participants, rules, topic_names) -> MatchResult

Choices, and why:

- A pair is a junior who shares (the reverse mentor) and a more senior person who learns. Hard
  rules: the mentor is at least one level more junior; no pair blocked by either side; no repeat
  of an earlier pair; time zones at most `max_timezone_gap_hours` apart; each person in at most
  `capacity` pairs; a different department when the program requires it; and at least one topic
  the mentor can teach that the leader wants to learn. A pair without that last one has nothing
  to do in its first session, so it is not allowed rather than merely scored low.
- Score: `weight_pair` for any allowed pair plus weighted fits in [0, 1] (`MatchRules`): topics in
  the main direction, topics back (the junior's wishes that the leader can share, such as career
  insight), a different department, meeting times that overlap after time zones, and a level gap
  that is neither trivial nor out of reach. `score.pair_score` is the readable reference.
- "both" participants take one role per round, chosen before the optimisation by a documented
  rule (`roles`): share when at least as many people could learn from them as they could learn
  from.
- Optimal: the total score of the whole round is maximised as one bipartite b-matching, solved
  exactly as a linear program (its matrix is totally unimodular, so the LP optimum is a set of
  pairs), over candidates chosen by an auction and column generation; see `solve`. Proven
  optimal up to EXACT_UP_TO participants; above, one exact pass over auction-priced candidates.
- Deterministic: input sorted by id, deterministic tie-breaking, no randomness.
- Privacy: no reason ever says that someone was blocked (`explain`).
"""

from bot.domain.matching.match import EXACT_UP_TO, match
from bot.domain.matching.model import (
    Candidate,
    CrossDepartment,
    MatchResult,
    MatchRules,
    Pair,
    Unmatched,
    UnmatchedReason,
)
from bot.domain.matching.score import pair_score

__all__ = [
    "EXACT_UP_TO",
    "Candidate",
    "CrossDepartment",
    "MatchResult",
    "MatchRules",
    "Pair",
    "Unmatched",
    "UnmatchedReason",
    "match",
    "pair_score",
]
