"""The ladder for a pair that stalls, and when someone has gone quiet. Pure: no I/O.

Only what the bot itself sees counts (bookings, answers, clicks): it never reads what people
write to each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum


class Step(IntEnum):
    NONE = 0
    ASK_LEADER = 1  # a DM to the leader: could you propose a time?
    NUDGE_PAIR = 2  # a warm nudge in the group DM naming the leader
    AT_RISK = 3  # shown to the admins: names and days without a session
    PAUSED = 4  # the pairing waits, with "We're still on" / "Let's end it"


@dataclass(frozen=True)
class Ladder:
    """Every delay of the ladder (settings)."""

    first_after_intro: timedelta = timedelta(days=7)
    first_after_session: timedelta = timedelta(days=21)
    step: timedelta = timedelta(days=7)  # ask the leader -> nudge the pair -> at risk
    pause_after_risk: timedelta = timedelta(days=14)

    def due(self, step: Step, anchor: datetime, *, met: bool) -> datetime:
        """When `step` is due for a pair quiet since `anchor`."""
        first = anchor + (self.first_after_session if met else self.first_after_intro)
        return {
            Step.ASK_LEADER: first,
            Step.NUDGE_PAIR: first + self.step,
            Step.AT_RISK: first + 2 * self.step,
            Step.PAUSED: first + 2 * self.step + self.pause_after_risk,
        }[step]


@dataclass(frozen=True)
class PairState:
    """What the planner knows of a pair."""

    anchor: datetime  # the last thing the bot saw them do (introduced, booked, answered, met)
    met: bool  # a session was held since the anchor's ladder began
    upcoming: bool  # something is booked: not stalled
    done: Step  # the last step already taken in this ladder run


def next_step(state: PairState, now: datetime, ladder: Ladder) -> Step | None:
    """The one step due now, if any (a bot down for a week takes one step per run, in order,
    rather than all of them at once)."""
    if state.upcoming or state.done >= Step.PAUSED:
        return None
    step = Step(state.done + 1)
    return step if now >= ladder.due(step, state.anchor, met=state.met) else None


DORMANT_AFTER = 3  # prompts in a row ignored
ASK_LATER = timedelta(weeks=4)


def is_dormant(ignored_in_a_row: int) -> bool:
    return ignored_in_a_row >= DORMANT_AFTER
