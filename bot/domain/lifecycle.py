"""The life cycles of rounds, pairings and participants: their states and allowed moves.

Every change of state goes through `Lifecycle.sources`: the database update that makes it is
conditional on the row being in one of the states it may come from, so a double click, a Slack
retry or two replicas racing change it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar


class RoundStatus(StrEnum):
    QUEUED = "queued"  # scheduled, waiting for a replica to compute it
    COMPUTING = "computing"  # claimed by one replica (until its claim lapses)
    PROPOSED = "proposed"  # waiting for an admin's decision
    APPROVED = "approved"
    DISCARDED = "discarded"
    SUPERSEDED = "superseded"  # a newer proposal replaced it
    FAILED = "failed"  # the computation itself broke


class RoundTrigger(StrEnum):
    ADMIN = "admin"
    SCHEDULE = "schedule"


class PairingStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # one of the two is on a break
    ENDED = "ended"


class EndCause(StrEnum):
    PARTICIPANT = "participant"  # one of the two ended it (`/mentor end`)
    LEFT = "left"  # one of the two left the program
    WRAPPED_UP = "wrapped_up"  # the pair chose to wrap up at the end of a cycle
    CYCLE_ENDED = "cycle_ended"  # a cycle ended with no choice made in time


class SessionStatus(StrEnum):
    BOOKED = "booked"  # planned (a reschedule keeps it booked and raises its sequence)
    CANCELLED = "cancelled"
    HELD = "held"
    MISSED = "missed"


class ParticipantStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """Which state may follow which."""

    moves: Mapping[S, frozenset[S]]

    def allowed(self, current: S, to: S) -> bool:
        return to in self.moves.get(current, frozenset())

    def sources(self, to: S) -> frozenset[S]:
        """Every state a row may be in for the move to `to`."""
        return frozenset(s for s, targets in self.moves.items() if to in targets)

    def is_final(self, state: S) -> bool:
        return not self.moves.get(state)


R = RoundStatus
ROUND = Lifecycle[RoundStatus](
    {
        R.QUEUED: frozenset({R.COMPUTING}),
        # COMPUTING -> COMPUTING: another replica takes over a claim that lapsed.
        R.COMPUTING: frozenset({R.COMPUTING, R.PROPOSED, R.FAILED}),
        R.PROPOSED: frozenset({R.APPROVED, R.DISCARDED, R.SUPERSEDED}),
    }
)

P = PairingStatus
PAIRING = Lifecycle[PairingStatus](
    {
        P.ACTIVE: frozenset({P.PAUSED, P.ENDED}),
        P.PAUSED: frozenset({P.ACTIVE, P.ENDED}),
    }
)
LIVE_PAIRING: frozenset[PairingStatus] = frozenset({P.ACTIVE, P.PAUSED})

PARTICIPANT = Lifecycle[ParticipantStatus](
    {
        ParticipantStatus.ACTIVE: frozenset({ParticipantStatus.PAUSED}),
        ParticipantStatus.PAUSED: frozenset({ParticipantStatus.ACTIVE, ParticipantStatus.PAUSED}),
    }
)

SESSION = Lifecycle[SessionStatus](
    {
        SessionStatus.BOOKED: frozenset(
            {SessionStatus.CANCELLED, SessionStatus.HELD, SessionStatus.MISSED}
        ),
        SessionStatus.MISSED: frozenset({SessionStatus.HELD}),  # one said no, the other yes
    }
)
