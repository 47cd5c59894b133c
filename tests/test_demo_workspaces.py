"""`mentor-bot demo --many-workspaces` plays through (its own SQLite file: once, on SQLite runs)."""

from __future__ import annotations

import pytest

from bot.demo.workspaces import run_many_workspaces
from tests.conftest import PG_URL


@pytest.mark.skipif(bool(PG_URL), reason="the demo keeps its own SQLite file: run it once")
async def test_the_many_workspaces_demo_plays_through(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_many_workspaces(quiet=True) == 0
    assert "two workspaces installed and served apart" in capsys.readouterr().out
