"""The short-lived caches an ack relies on: `TTLCache`, `People` (users.info and users.list through
a real `AsyncWebClient` talking to the Slack stand-in, with an injected clock), and `Actor`'s
admin answers built on them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.people import SlackPerson, SlackUnavailable
from bot.platform.actor import Actor
from bot.platform.cache import TTLCache
from bot.platform.slack.people import People, person_from
from bot.sandbox import SlackStandIn, demo_workspace

MAYA, PRIYA, LENA = "U01MAYA", "U01PRIYA", "U01LENA"
TEAM = "T0FLIPSIDE"


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


# -- TTLCache ----------------------------------------------------------------------------------


def test_a_fresh_entry_is_served_and_an_expired_one_is_not(ticker: Ticker) -> None:
    cache: TTLCache[str, int] = TTLCache(30, now=ticker)
    assert cache.get("a") is None
    assert cache.put("a", 1) == 1
    ticker.advance(30)
    assert cache.get("a") == 1  # exactly `seconds` old is still fresh
    ticker.advance(0.001)
    assert cache.get("a") is None
    cache.put("a", 2)
    assert cache.get("a") == 2  # a put starts the entry's time again


def test_forget_drops_one_entry(ticker: Ticker) -> None:
    cache: TTLCache[str, int] = TTLCache(30, now=ticker)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.forget("a")
    cache.forget("never there")
    assert (cache.get("a"), cache.get("b")) == (None, 2)


def test_the_oldest_entry_makes_room_when_full(ticker: Ticker) -> None:
    cache: TTLCache[str, int] = TTLCache(30, max_entries=2, now=ticker)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("b", 3)  # replacing an entry evicts nothing
    assert (cache.get("a"), cache.get("b")) == (1, 3)
    cache.put("c", 4)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, 3, 4)


# -- People ------------------------------------------------------------------------------------


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(demo_workspace()) as server:
        yield server


@pytest.fixture
def people(standin: SlackStandIn, ticker: Ticker) -> People:
    client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
    return People(client, fresh_seconds=300, keep_seconds=3600, now=ticker)


def asked(standin: SlackStandIn, user: str | None = None) -> int:
    """How many users.info calls the stand-in answered (about `user`)."""
    return sum(1 for c in standin.calls_to("users.info") if user in (None, c.args.get("user")))


async def test_get_asks_once_then_serves_from_the_cache(
    people: People, standin: SlackStandIn, ticker: Ticker
) -> None:
    maya = await people.get(MAYA)
    assert maya == SlackPerson(MAYA, "Maya Chen", "Junior Data Analyst", "America/New_York")
    ticker.advance(300)
    assert await people.get(MAYA) == maya
    assert people.is_fresh(MAYA)
    assert asked(standin, MAYA) == 1


async def test_after_fresh_seconds_it_asks_again(
    people: People, standin: SlackStandIn, ticker: Ticker
) -> None:
    await people.get(MAYA)
    ticker.advance(300.5)
    assert not people.is_fresh(MAYA)
    standin.workspace.user(MAYA).title = "Data Analyst"
    assert (await people.get(MAYA)).title == "Data Analyst"
    assert asked(standin, MAYA) == 2


async def test_peek_serves_a_stale_entry_until_keep_seconds(
    people: People, standin: SlackStandIn, ticker: Ticker
) -> None:
    assert people.peek(MAYA) is None
    maya = await people.get(MAYA)
    ticker.advance(3600)
    assert not people.is_fresh(MAYA)
    assert people.peek(MAYA) == maya
    ticker.advance(0.5)
    assert people.peek(MAYA) is None
    assert asked(standin) == 1  # peek never calls Slack


async def test_get_fresh_always_asks(people: People, standin: SlackStandIn, ticker: Ticker) -> None:
    await people.get(MAYA)
    standin.workspace.user(MAYA).tz = "Europe/Berlin"
    assert (await people.get(MAYA, fresh=True)).timezone == "Europe/Berlin"
    assert (await people.get(MAYA, fresh=True)).timezone == "Europe/Berlin"
    assert asked(standin, MAYA) == 3


async def test_concurrent_gets_of_one_person_make_one_call(
    people: People, standin: SlackStandIn
) -> None:
    standin.set_latency(0.05)
    found = await asyncio.gather(*(people.get(MAYA) for _ in range(5)), people.get(LENA))
    assert {p.user_id for p in found[:5]} == {MAYA}
    assert found[5].user_id == LENA
    assert (asked(standin, MAYA), asked(standin, LENA)) == (1, 1)


async def test_a_failed_call_fails_every_waiter_and_is_not_remembered(
    people: People, standin: SlackStandIn
) -> None:
    standin.set_latency(0.05)
    calls = (people.get("U0NOBODY") for _ in range(3))
    found = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(e, SlackUnavailable) for e in found), found
    assert asked(standin, "U0NOBODY") == 1
    assert people.peek("U0NOBODY") is None
    with pytest.raises(SlackUnavailable):
        await people.get("U0NOBODY")  # nothing left in flight: it asks again
    assert asked(standin, "U0NOBODY") == 2


async def test_a_waiter_is_not_cancelled_with_the_first_caller(
    people: People, standin: SlackStandIn
) -> None:
    standin.set_latency(0.2)
    first = asyncio.create_task(people.get(MAYA))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(people.get(MAYA))
    await asyncio.sleep(0.05)
    first.cancel()
    done = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(done[0], asyncio.CancelledError)
    assert isinstance(done[1], SlackPerson), done[1]


def user_change(**changes: Any) -> dict[str, Any]:
    """A `user_change` event's user, as Slack sends it."""
    user = demo_workspace().user(MAYA).to_api()
    profile = dict(user["profile"], **changes.pop("profile", {}))
    return dict(user, profile=profile, **changes)


async def test_remember_takes_a_user_change_as_it_is(
    people: People, standin: SlackStandIn, ticker: Ticker
) -> None:
    await people.get(MAYA)
    ticker.advance(299)
    changed = user_change(tz="Asia/Tokyo", is_admin=True, profile={"real_name": "Maya C."})
    changed["profile"]["title"] = "Data Lead"
    remembered = people.remember(changed)
    assert remembered == SlackPerson(MAYA, "Maya C.", "Data Lead", "Asia/Tokyo", is_admin=True)
    ticker.advance(299)  # a remember() starts the entry's time again
    assert await people.get(MAYA) == remembered
    assert people.peek(MAYA) == remembered
    assert asked(standin) == 1


async def test_remember_of_an_owner_and_of_a_user_without_id(people: People) -> None:
    assert people.remember(user_change(is_owner=True)).is_admin
    assert not people.remember(user_change(is_admin=False, is_owner=False)).is_admin
    nobody = people.remember({"name": "ghost"})
    assert nobody.user_id == "" and people.peek("") is None


async def test_the_oldest_person_makes_room_when_full(
    standin: SlackStandIn, ticker: Ticker
) -> None:
    client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
    small = People(client, max_entries=2, now=ticker)
    for user in (MAYA, LENA, PRIYA):
        await small.get(user)
        ticker.advance(1)
    assert small.peek(MAYA) is None
    assert small.peek(LENA) is not None and small.peek(PRIYA) is not None


async def test_warm_fills_the_cache_from_users_list_page_by_page(
    people: People, standin: SlackStandIn
) -> None:
    everyone = list(standin.workspace.users)
    held = await people.warm(page_size=5)
    assert held == len(everyone) == 14
    pages = standin.calls_to("users.list")
    assert len(pages) == 3
    assert all(str(c.args.get("limit")) == "5" for c in pages)
    assert "cursor" not in pages[0].args and all(c.args.get("cursor") for c in pages[1:])
    for user in everyone:
        known = people.peek(user)
        assert known is not None and known.user_id == user
    assert people.peek(PRIYA) is not None and people.peek(PRIYA).is_admin  # type: ignore[union-attr]
    assert people.peek("U01OLIVER").deleted  # type: ignore[union-attr]
    assert asked(standin) == 0
    await people.get(MAYA)
    assert asked(standin) == 0  # fresh from the warm-up


async def test_warm_stops_at_max_pages(people: People, standin: SlackStandIn) -> None:
    assert await people.warm(page_size=2, max_pages=2) == 4
    assert len(standin.calls_to("users.list")) == 2


@pytest.mark.parametrize(
    ("user", "admin"),
    [
        ({"id": "U1", "is_admin": True}, True),
        ({"id": "U1", "is_owner": True}, True),
        ({"id": "U1", "is_admin": False, "is_owner": False}, False),
        ({"id": "U1"}, False),
        ({"id": "U1", "is_admin": None}, False),
    ],
)
def test_person_from_reads_the_admin_flags(user: dict[str, Any], admin: bool) -> None:
    assert person_from(user).is_admin is admin


def test_person_from_falls_back_for_a_sparse_user() -> None:
    assert person_from({"id": "U1"}) == SlackPerson("U1", "U1", "", "UTC")
    assert person_from({"id": "U1", "name": "h", "real_name": "R", "profile": None}).name == "R"
    assert person_from({"id": "U1", "name": "h"}).name == "h"
    assert person_from({"id": "U1", "deleted": True, "tz": "Asia/Tokyo"}).deleted


# -- Actor -------------------------------------------------------------------------------------


async def test_the_system_actor_is_an_admin_without_asking() -> None:
    bot = Actor.system(TEAM)
    assert bot.is_system and bot.user_id == ""
    assert bot.workspace_admin_if_known() is True
    assert await bot.is_workspace_admin() is True


async def test_workspace_admin_if_known_comes_from_peek(
    people: People, standin: SlackStandIn
) -> None:
    priya = Actor(TEAM, PRIYA, lookup=people.get, peek=people.peek)
    maya = Actor(TEAM, MAYA, lookup=people.get, peek=people.peek)
    assert priya.workspace_admin_if_known() is None  # nothing cached, and Slack is not asked
    assert maya.workspace_admin_if_known() is None
    assert asked(standin) == 0
    await people.warm()
    assert priya.workspace_admin_if_known() is True
    assert maya.workspace_admin_if_known() is False
    assert Actor(TEAM, MAYA).workspace_admin_if_known() is None  # no peek: unknown
    assert asked(standin) == 0


async def test_is_workspace_admin_asks_lookup_once_per_request(
    people: People, standin: SlackStandIn
) -> None:
    looked_up: list[str] = []

    async def lookup(user_id: str) -> SlackPerson:
        looked_up.append(user_id)
        return await people.get(user_id, fresh=True)

    priya = Actor(TEAM, PRIYA, lookup=lookup, peek=people.peek)
    assert await priya.is_workspace_admin() is True
    assert await priya.is_workspace_admin() is True
    assert (await priya.person()).name == "Priya Raman"
    assert priya.workspace_admin_if_known() is True
    assert looked_up == [PRIYA] and asked(standin, PRIYA) == 1
    again = Actor(TEAM, PRIYA, lookup=lookup, peek=people.peek)  # the next request asks again
    assert await again.is_workspace_admin() is True
    assert looked_up == [PRIYA, PRIYA]


async def test_the_person_asked_wins_over_a_stale_peek(people: People) -> None:
    await people.warm()
    people.remember(user_change(is_admin=True))  # the cache thinks Maya is an admin

    async def lookup(user_id: str) -> SlackPerson:
        return SlackPerson(user_id, "Maya Chen", "", "UTC", is_admin=False)

    maya = Actor(TEAM, MAYA, lookup=lookup, peek=people.peek)
    assert maya.workspace_admin_if_known() is True
    assert await maya.is_workspace_admin() is False
    assert maya.workspace_admin_if_known() is False


async def test_an_actor_without_lookup_is_not_an_admin() -> None:
    someone = Actor(TEAM, MAYA)
    assert await someone.is_workspace_admin() is False
    with pytest.raises(LookupError):
        await someone.person()
