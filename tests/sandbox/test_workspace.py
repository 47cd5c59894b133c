from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox import SandboxUser, Workspace, demo_workspace


def test_demo_workspace_has_a_dozen_people_one_admin_and_many_time_zones() -> None:
    ws = demo_workspace()
    people = ws.people()
    assert len(people) >= 12
    admins = [u for u in ws.users.values() if u.is_admin]
    assert [a.id for a in admins] == ["U01PRIYA"]
    assert "Learning" in admins[0].title
    assert len({u.tz for u in people}) >= 7
    titles = {u.title for u in people}
    assert {"Junior Data Analyst", "Chief Operating Officer"} <= titles
    assert ws.user("U01MAYA").real_name == "Maya Chen"
    assert ws.by_name("maya").id == "U01MAYA"
    assert ws.user(ws.bot_user_id).is_bot
    assert any(u.deleted for u in ws.users.values())
    assert ws.channels["C0ADMINS"].name == "flipside-admins"


def test_unknown_user_raises_key_error() -> None:
    with pytest.raises(KeyError, match="U404"):
        Workspace().user("U404")


def test_to_api_is_shaped_like_users_info() -> None:
    user = demo_workspace().user("U01KLAUS")
    api = user.to_api("T0FLIPSIDE")
    for key in ("id", "team_id", "name", "real_name", "deleted", "tz", "tz_label", "tz_offset"):
        assert key in api
    assert api["is_admin"] is False and api["is_owner"] is False and api["is_bot"] is False
    assert api["profile"]["title"] == "Director of Engineering"
    assert api["profile"]["display_name"] == "klaus"
    assert api["profile"]["real_name"] == "Klaus Becker"
    expected = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).utcoffset()
    assert expected is not None and api["tz_offset"] == int(expected.total_seconds())
    assert api["tz_label"].startswith("Central European")


def test_explicit_tz_details_are_kept() -> None:
    user = SandboxUser("U1", "x", "X Y", tz="Asia/Kolkata", tz_label="IST", tz_offset=19800)
    assert (user.tz_label, user.tz_offset) == ("IST", 19800)
    assert SandboxUser("U2", "y", "Y", tz="Asia/Kolkata").tz_offset == 19800
