"""The summary's weekly aggregates as a CSV an admin opens in a spreadsheet. Pure: no I/O.

UTF-8 with a byte order mark (spreadsheets then read it as UTF-8), a cell a spreadsheet would
run as a formula is defused with a leading apostrophe (OWASP's CSV injection advice), and a
figure about fewer than K people is an empty cell named in the `hidden` column. There is no
column from which a hidden one could be worked out (no count of answers beside a hidden rate)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bot.domain.privacy import Shown
from bot.domain.summary import Week, rating, response_rate, share_met

HEADER = (
    "week_starting",
    "people_joined",
    "live_pairs",
    "sessions_held",
    "share_of_pairs_that_met",
    "polls_asked",
    "poll_response_rate",
    "value_to_leaders_avg",
    "value_to_reverse_mentors_avg",
    "hidden",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def defuse(cell: str) -> str:
    """A cell that would start a formula gets a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _cell(shown: Shown, fmt: str) -> str:
    return "" if shown.value is None else fmt.format(shown.value)


def week_row(week: Week, k: int) -> list[str]:
    polls = week.polls
    private = {
        "share_of_pairs_that_met": (
            share_met(week.met_pairs, week.live_pairs, week.pair_people, k),
            "{:.2f}",
        ),
        "poll_response_rate": (response_rate(polls, k), "{:.2f}"),
        "value_to_leaders_avg": (rating(polls.to_leaders, k), "{:.1f}"),
        "value_to_reverse_mentors_avg": (rating(polls.to_mentors, k), "{:.1f}"),
    }
    hidden = [name for name, (shown, _) in private.items() if shown.hidden]
    cells = {name: _cell(shown, fmt) for name, (shown, fmt) in private.items()}
    return [
        week.start.isoformat(),
        str(week.joined),
        str(week.live_pairs),
        str(week.held),
        cells["share_of_pairs_that_met"],
        str(polls.asked),
        cells["poll_response_rate"],
        cells["value_to_leaders_avg"],
        cells["value_to_reverse_mentors_avg"],
        " ".join(hidden),
    ]


def to_csv(rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([defuse(str(c)) for c in row])
    return out.getvalue().encode("utf-8-sig")


def weekly_csv(weeks: Sequence[Week], k: int) -> bytes:
    return to_csv([HEADER, *(week_row(w, k) for w in weeks)])
