"""Property: whatever arrives without Slack's valid signature (any body, any header values,
headers missing, stale or future timestamps, a right signature over another body or with
another secret) is a 401 with a fixed body, makes the bot call nothing, and leaves no body and
no traceback in its log."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.platform.local import LocalServer
from bot.platform.web.gate import MAX_BODY
from bot.sandbox import SlackDriver, SlackStandIn
from tests.e2e.attack_strategies import (
    CANARY,
    bodies_with_canary,
    content_types,
    examples,
    has_traceback,
    headers,
    post_raw,
    rendered,
    server_side,
    signatures,
    timestamps,
)
from tests.e2e.conftest import SIGNING_SECRET

FAST = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def signature(body: bytes, ts: bytes, secret: str = SIGNING_SECRET) -> bytes:
    base = b"v0:" + ts + b":" + body
    return b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()


async def refused_quietly(
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    sent: list[tuple[bytes, bytes]],
) -> None:
    """Send it; assert the 401 (the 413 of a body over 1 MB, refused before it is read whole,
    as hypothesis once drew), that nothing was called, and that the log kept nothing of it."""
    caplog.set_level(logging.DEBUG)
    calls, since = len(standin.calls), len(caplog.records)
    status, text = await post_raw(slack, body, sent)
    if len(body) > MAX_BODY:
        assert (status, text) == (413, "payload too large")
    else:
        assert (status, text) == (401, "invalid request")
    assert len(standin.calls) == calls, [c.method for c in standin.calls[calls:]]
    assert not standin.calls_to("response_url")
    logged = server_side(caplog.records[since:])
    assert not [r for r in logged if has_traceback(r)]
    everything = "\n".join(rendered(r) for r in logged)
    assert CANARY not in everything
    chunk = body[:40].decode("utf-8", "replace")
    if len(set(chunk)) >= 8:  # distinctive enough that finding it means the body was logged
        assert chunk not in everything and repr(body[:40])[2:-1] not in everything
    assert len(everything) < 2_000


async def nothing_happened_later(bot: LocalServer, standin: SlackStandIn) -> None:
    """Once the bot has settled: still no call out (no listener ran late either)."""
    await bot.runtime.settle()
    await standin.settle(quiet=0.1, at_most=1)
    assert not standin.calls_to("response_url")
    assert not [c for c in standin.calls if c.method != "users.list"], standin.calls[-1:]


@FAST
@given(body=bodies_with_canary(), ts=timestamps, sig=signatures, kind=content_types)
async def test_an_unsigned_or_forged_request_is_401_and_nothing_else(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    ts: bytes | None,
    sig: bytes | None,
    kind: bytes | None,
) -> None:
    if ts is not None and sig is not None:
        assert sig != signature(body, ts)  # a random one being right: 2**-256
    await refused_quietly(slack, standin, caplog, body, headers(ts, sig, kind))


@FAST
@given(
    signed=bodies_with_canary(),
    sent=bodies_with_canary(),
    skew=st.integers(min_value=-250, max_value=250),
    kind=content_types,
)
async def test_a_valid_signature_over_another_body_is_401(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    signed: bytes,
    sent: bytes,
    skew: int,
    kind: bytes | None,
) -> None:
    if signed == sent:
        sent += b"&"
    ts = str(int(time.time()) + skew).encode()
    await refused_quietly(slack, standin, caplog, sent, headers(ts, signature(signed, ts), kind))


OFFSETS = st.integers(min_value=305, max_value=10**11)


@FAST
@given(
    body=bodies_with_canary(),
    offset=st.one_of(OFFSETS, OFFSETS.map(lambda o: -o)),
    how=st.sampled_from(["stale or future", "other secret", "other timestamp", "upper case"]),
    kind=content_types,
)
async def test_a_right_looking_signature_that_is_not_right_now_is_401(
    bot: LocalServer,
    slack: SlackDriver,
    standin: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    offset: int,
    how: str,
    kind: bytes | None,
) -> None:
    now = int(time.time())
    ts = str(now + offset if how == "stale or future" else now).encode()
    sig = signature(body, ts)
    if how == "other secret":
        sig = signature(body, ts, SIGNING_SECRET + "x")
    elif how == "other timestamp":
        sig = signature(body, str(now + 1).encode())
    elif how == "upper case":
        sig = b"v0=" + sig[3:].upper()
        if sig == signature(body, ts):
            sig = b"V0=" + sig[3:]
    await refused_quietly(slack, standin, caplog, body, headers(ts, sig, kind))


async def test_after_all_those_nothing_was_called_late(
    bot: LocalServer, slack: SlackDriver, standin: SlackStandIn
) -> None:
    """A flood of forgeries in one go, then a wait: still no call out of the bot."""
    forged = [(b"Content-Type", b"application/x-www-form-urlencoded")]
    forged += [(b"X-Slack-Request-Timestamp", str(int(time.time())).encode())]
    forged += [(b"X-Slack-Signature", b"v0=" + b"0" * 64)]
    body = b"command=%2Fmentor&text=help&team_id=T0FLIPSIDE&user_id=U01MAYA"
    for _ in range(30):
        assert (await post_raw(slack, body, forged))[0] == 401
    await nothing_happened_later(bot, standin)
