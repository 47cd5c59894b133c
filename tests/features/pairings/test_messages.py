"""Kind DMs around a pairing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.features.pairings import messages as pairing
from bot.sandbox import BlockKitValidator
from tests.features.message_checks import (
    assert_valid,
)

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


# --- Unmatched -----------------------------------------------------------------------------


def test_pairing_change_dms(validator: BlockKitValidator) -> None:
    ended = pairing.partner_ended("U02DAN")
    mine = pairing.you_ended("U02DAN")
    left = pairing.partner_left()
    paused = pairing.partner_paused("U02DAN", date(2026, 4, 1))
    paused_open = pairing.partner_paused("U02DAN", None)
    for message in (ended, mine, left, paused, paused_open):
        assert_valid(validator, message)
    assert "<@U02DAN>" in ended["text"] and "next matching round" in ended["text"]
    assert "Schedules and priorities change" in ended["text"]
    assert "without giving any reason" in mine["text"] and "`/mentor pause`" in mine["text"]
    assert "<@" not in left["text"] and "left Flipside" in left["text"]
    assert "Wednesday 1 April 2026" in paused["text"] and "<@U02DAN>" in paused["text"]
    assert "back" in paused_open["text"]
