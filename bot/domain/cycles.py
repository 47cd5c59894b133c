"""A pairing's cycle: a beginning, a middle (a check-in) and an end (a short survey, then the
pair chooses another cycle or to wrap up). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

CHANGED_MAX = 500


class CheckIn(StrEnum):
    GOING_WELL = "going_well"
    OK = "ok"
    NOT_A_GOOD_FIT = "not_fit"


CHECK_IN_LABELS = {
    CheckIn.GOING_WELL: "Going well",
    CheckIn.OK: "OK",
    CheckIn.NOT_A_GOOD_FIT: "Not a good fit",
}


class Continue(StrEnum):
    YES = "yes"
    NOT_SURE = "not_sure"
    NO = "no"


CONTINUE_LABELS = {Continue.YES: "Yes", Continue.NOT_SURE: "Not sure", Continue.NO: "No"}


@dataclass(frozen=True)
class Cycle:
    """How long a cycle runs, and how long the pair has to choose what comes next."""

    length: timedelta = timedelta(weeks=12)
    choose_within: timedelta = timedelta(days=7)

    def middle(self, start: datetime) -> datetime:
        return start + self.length / 2

    def end(self, start: datetime) -> datetime:
        return start + self.length

    def too_late_to_choose(self, start: datetime) -> datetime:
        return self.end(start) + self.choose_within


@dataclass(frozen=True)
class SurveyForm:
    continue_with: str | None
    changed: str
    recommend: int | None  # 0-10


def survey_errors(form: SurveyForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.continue_with not in {c.value for c in Continue}:
        errors["continue_with"] = "Choose one of the three answers."
    if len(form.changed) > CHANGED_MAX:
        errors["changed"] = f"Keep it under {CHANGED_MAX} characters."
    if form.recommend is None or not 0 <= form.recommend <= 10:
        errors["recommend"] = "Choose from 0 to 10."
    return errors
