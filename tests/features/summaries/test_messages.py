"""What admins read of a summary: valid Block Kit within Slack's limits for a huge program, typed
topic names escaped, and nothing hidden leaking through the message or the Home."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.privacy import TOO_FEW
from bot.domain.summary import Aggregates, Polls, Rating, Week, Window, period, summarise
from bot.features.summaries import chart, messages
from bot.sandbox import BlockKitValidator
from tests.features.message_checks import ESCAPED, NASTY, all_text, assert_valid

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def huge() -> Aggregates:
    topics = {f"{NASTY} topic {i} " + "x" * 60: 40 + i for i in range(30)}
    return Aggregates(
        period=period("90d", NOW, 12),
        now=Window(
            joined=900,
            live_pairs=4000,
            met_pairs=3000,
            pair_people=8000,
            held=9000,
            polls=Polls(10000, 8000, 8000, Rating(16000, 4000, 4000), Rating(12000, 3000, 3000)),
        ),
        before=Window(joined=800, live_pairs=3900, met_pairs=2000, pair_people=7800, held=8000),
        by_role={"share": 5000, "learn": 4000, "both": 1000},
        by_level={f"Level {i} " + "y" * 50: 100 + i for i in range(40)},
        participants=10000,
        paused_people=300,
        active_pairs=3900,
        paused_pairs=100,
        upcoming=700,
        supply=dict(topics),
        demand={t: n * 2 for t, n in topics.items()},
        at_risk=tuple((f"U{i:08d}", f"U{i + 1:08d}", 30 + i) for i in range(400)),
        waiting_messages=12,
        weeks=tuple(
            Week(
                date(2026, 9, 14) + timedelta(weeks=i),
                held=700,
                live_pairs=4000,
                met_pairs=600,
                pair_people=8000,
            )
            for i in range(12)
        ),
    )


def test_a_huge_programs_summary_stays_within_slacks_limits(validator: BlockKitValidator) -> None:
    body = messages.summary_message(summarise(huge(), k=5))
    assert_valid(validator, body)
    shown = all_text(body)
    assert ESCAPED in shown and NASTY not in shown
    assert "and 385 more" in shown
    assert "Value to leaders (junior → leader)*\n4.0" in shown
    assert "Share of active pairs that met*\n75% (+24 pts)" in shown


def test_the_homes_glance_is_valid_and_hides_what_it_must(validator: BlockKitValidator) -> None:
    small = summarise(
        Aggregates(
            period=period("30d", NOW, 12),
            now=Window(
                live_pairs=2,
                met_pairs=1,
                pair_people=4,
                polls=Polls(4, 4, 4, Rating(10, 2, 2), Rating(9, 2, 2)),
            ),
            before=None,
            by_role={"share": 2, "learn": 2},
            by_level={},
            participants=4,
            paused_people=0,
            active_pairs=2,
            paused_pairs=0,
            upcoming=0,
            supply={},
            demand={},
            at_risk=(),
            waiting_messages=0,
        ),
        k=5,
    )
    blocks = messages.glance(small)
    assert_valid(validator, {"text": "home", "blocks": blocks})
    shown = all_text({"text": "", "blocks": blocks})
    assert shown.count(TOO_FEW) == 4  # pairs that met, response rate, value to leaders; the note
    assert "5.0" not in shown and "4.5" not in shown


def test_the_chart_is_a_png_and_its_alt_text_says_what_it_shows() -> None:
    summary = summarise(huge(), k=5)
    png = chart.draw(summary)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    alt = chart.alt_text(summary)
    assert "sessions held per week" in alt.lower() and len(alt) <= 1000
