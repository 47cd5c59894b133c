"""Faults on demand, as slack_sdk sees them."""

from __future__ import annotations

import time

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import SlackStandIn

from .conftest import TOKEN


@pytest.fixture
def bare_client(standin: SlackStandIn) -> AsyncWebClient:
    """No retry handlers: every fault reaches the caller."""
    return AsyncWebClient(base_url=standin.api_url, token=TOKEN, retry_handlers=[])


async def test_rate_limited_carries_retry_after(
    standin: SlackStandIn, bare_client: AsyncWebClient
) -> None:
    standin.faults.add("chat.postMessage", "rate_limited", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        await bare_client.chat_postMessage(channel="U01MAYA", text="hi")
    response = info.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response["error"] == "ratelimited"
    assert standin.messages == []
    assert (await bare_client.chat_postMessage(channel="U01MAYA", text="hi"))["ok"]
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [429, 200]


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors(
    standin: SlackStandIn, bare_client: AsyncWebClient, status: int
) -> None:
    standin.faults.add("users.info", "server_error", status=status)
    with pytest.raises(SlackApiError) as info:
        await bare_client.users_info(user="U01MAYA")
    assert info.value.response.status_code == status
    assert (await bare_client.users_info(user="U01MAYA"))["ok"]


async def test_slack_errors_on_demand(standin: SlackStandIn, bare_client: AsyncWebClient) -> None:
    standin.faults.add("chat.postMessage", "slack_error", error="account_inactive", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await bare_client.chat_postMessage(channel="U01MAYA", text="hi")
        assert info.value.response.status_code == 200
        assert info.value.response["error"] == "account_inactive"
    assert (await bare_client.chat_postMessage(channel="U01MAYA", text="hi"))["ok"]


async def test_wildcard_forever_and_clear(
    standin: SlackStandIn, bare_client: AsyncWebClient
) -> None:
    standin.faults.add("*", "slack_error", error="user_not_found", times=-1)
    for call in (bare_client.auth_test(), bare_client.users_info(user="U01MAYA")):
        with pytest.raises(SlackApiError) as info:
            await call
        assert info.value.response["error"] == "user_not_found"
    standin.faults.clear()
    assert (await bare_client.auth_test())["ok"]


async def test_latency(standin: SlackStandIn, bare_client: AsyncWebClient) -> None:
    standin.faults.add("auth.test", "latency", delay=0.2)
    started = time.monotonic()
    assert (await bare_client.auth_test())["ok"]
    assert time.monotonic() - started >= 0.2
    standin.set_latency(0.1)
    started = time.monotonic()
    await bare_client.users_info(user="U01MAYA")
    assert time.monotonic() - started >= 0.1
    standin.set_latency(0)


def test_fault_arguments_are_checked(standin: SlackStandIn) -> None:
    with pytest.raises(ValueError):
        standin.faults.add("x", "slack_error")
    with pytest.raises(ValueError):
        standin.faults.add("x", "meltdown")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        standin.faults.add("x", "latency", times=0)
