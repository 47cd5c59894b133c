"""What the attack tests share: hostile text, bytes and header values, JSON shapes, mutations of
real payload templates, modal state shapes, and the checks every answer and log line must pass.

Nothing here talks to the bot; the tests in test_attacks_*.py do, over real HTTP."""

from __future__ import annotations

import copy
import json
import logging
import os
import time
import traceback
import warnings
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from bot.sandbox import BlockKitValidator, SlackDriver
from bot.sandbox.validation import limit_problems

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
CANARY = "flipside-canary-7f3a9c"  # put in bodies: it must never show up in the bot's log
MENTIONS = ("<!channel>", "<!here>", "<!everyone>")  # the bot never writes these itself
MARKUP = (*MENTIONS, "<@U01PRIYA>", "<#C0ADMINS>", "<https://evil.example|click>", "& < >", "&amp;")
ODD = ("\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "\u2028", "\r\n", "\t", "😀", "é", "ﬀ")
WORDS = ("join", "profile", "pause", "resume", "leave", "export", "help", "admin", "end")
WORDS += ("settings", "match", "until", "for", "2026-12-01", "3", "weeks", "payload", "")


def examples(default: int) -> int:
    """Examples per property: `ATTACK_EXAMPLES=500` for a longer hunt than CI's."""
    return int(os.environ.get("ATTACK_EXAMPLES") or default)


# -- text and bytes ---------------------------------------------------------------------------

any_char = st.characters(exclude_categories=())  # lone surrogates included
pieces = st.sampled_from(MARKUP + ODD + WORDS) | st.text(any_char, max_size=6)
long_text = st.builds(
    lambda unit, n: (unit * n)[:100_000],
    st.sampled_from(("a", "<!channel>", "&", "\x00", "é", " ", "join ")) | st.text(max_size=4),
    st.integers(min_value=1, max_value=100_000),
)
short_text = st.one_of(
    st.text(max_size=20),
    st.lists(pieces, max_size=6).map(" ".join),
    st.lists(pieces, max_size=6).map("".join),
)
hostile_text = short_text | long_text


def utf8(text: str) -> bytes:
    """Bytes as a buggy client would send them: a lone surrogate becomes invalid UTF-8."""
    return text.encode("utf-8", "surrogatepass")


def form(fields: dict[str, str]) -> bytes:
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")


def interaction(payload: object) -> bytes:
    """`payload=` as Slack posts interactions; lone surrogates travel as "\\ud800" escapes."""
    return form({"payload": json.dumps(payload)})


raw_bodies = st.one_of(
    st.binary(max_size=300),
    hostile_text.map(utf8),
    st.builds(
        lambda unit, n: (unit * n)[:100_000],
        st.binary(min_size=1, max_size=6),
        st.integers(1, 10**5),
    ),
    st.dictionaries(st.text(max_size=8), hostile_text, max_size=5).map(form),
    st.builds(
        lambda t: b'{"type": "event_callback", "x": "' + t.encode() + b'"}',
        st.sampled_from(("\\ud800", "\\u0000", "\\udfff\\ud800", "")),
    ),
    st.just(b""),
)


@st.composite
def bodies_with_canary(draw: st.DrawFn) -> bytes:
    body = draw(raw_bodies)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + CANARY.encode() + body[at:]
    return body


# -- HTTP header values -----------------------------------------------------------------------

_VISIBLE = st.characters(min_codepoint=0x21, exclude_categories=("Cs", "Cc"))


def _header(text: str) -> bytes:
    return text.strip(" \t").encode("utf-8")


header_text = st.lists(_VISIBLE | st.sampled_from(" \t"), max_size=80).map("".join).map(_header)
timestamps = st.one_of(
    st.none(),
    header_text,
    st.integers(min_value=-(10**13), max_value=10**13).map(lambda n: str(n).encode()),
    st.integers(min_value=-250, max_value=250).map(lambda o: str(int(time.time()) + o).encode()),
    st.integers(min_value=305, max_value=10**9).map(lambda o: str(int(time.time()) + o).encode()),
    st.integers(min_value=305, max_value=10**9).map(lambda o: str(int(time.time()) - o).encode()),
    st.sampled_from(["", " 1", "+1", "1e9", "١٢٣", "0x10", "1" * 13]).map(_header),
)
signatures = st.one_of(
    st.none(),
    header_text,
    st.text("0123456789abcdefABCDEF", min_size=64, max_size=64).map(lambda h: f"v0={h}".encode()),
    st.sampled_from(["", "v0=", "v1=" + "0" * 64, "v0=" + "0" * 63, "v0=" + "é" * 32]).map(_header),
)
content_types = st.one_of(
    st.none(),
    header_text,
    st.sampled_from([FORM, JSON_TYPE, f"{FORM}; charset=utf-8", "multipart/form-data; b=x"]).map(
        str.encode
    ),
)


def headers(
    timestamp: bytes | None, signature: bytes | None, kind: bytes | None
) -> list[tuple[bytes, bytes]]:
    """The three headers, each left out when None (httpx sends bytes as they are)."""
    named = (
        (b"X-Slack-Request-Timestamp", timestamp),
        (b"X-Slack-Signature", signature),
        (b"Content-Type", kind),
    )
    return [(name, value) for name, value in named if value is not None]


# -- JSON shapes ------------------------------------------------------------------------------

KEYS = ("type", "id", "user", "team", "team_id", "user_id", "view", "state", "values", "value")
KEYS += ("actions", "action_id", "block_id", "selected_option", "selected_options", "event")
keys = st.sampled_from(KEYS) | st.text(max_size=6)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | short_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=10,
)

# Where Bolt would POST or what it would follow: never pointed anywhere but at the stand-in.
PROTECTED = {"response_url", "response_urls"}

Path = tuple[str | int, ...]


def paths(doc: object, at: Path = ()) -> list[Path]:
    """Every key and index path under `doc` (the root itself left out)."""
    found: list[Path] = []
    items: Sequence[tuple[str | int, Any]] = []
    if isinstance(doc, dict):
        items = list(doc.items())
    elif isinstance(doc, list):
        items = list(enumerate(doc))
    for key, value in items:
        found.append((*at, key))
        found.extend(paths(value, (*at, key)))
    return found


def _apply(doc: Any, path: Path, value: object, delete: bool) -> None:
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif delete:
        parent.pop(path[-1])
    else:
        parent[path[-1]] = value


@st.composite
def mutated(
    draw: st.DrawFn,
    template: dict[str, Any],
    strings_only: bool = False,
    focus: Sequence[Path] = (),
) -> dict[str, Any]:
    """`template` with one to four of its fields replaced by random values or removed; often
    only fields under one of the `focus` paths, which the handlers read past the shape check.

    A response URL is only ever removed or emptied: Bolt would POST to whatever it says."""
    doc = copy.deepcopy(template)
    replacement = hostile_text if strings_only else json_values
    under = draw(st.sampled_from([(), *focus]))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = [p for p in paths(doc) if p[: len(under)] == under and p != under]
        if not where:
            break
        path = draw(st.sampled_from(where))
        if PROTECTED & {str(p) for p in path}:
            _apply(doc, path, "" if strings_only else None, draw(st.booleans()))
        else:
            _apply(doc, path, draw(replacement), draw(st.booleans()))
    return doc


# -- checking what the bot answered -----------------------------------------------------------


def input_ids(view: object) -> set[str]:
    blocks = view.get("blocks") if isinstance(view, dict) else None
    if not isinstance(blocks, list):
        return set()
    return {
        b["block_id"]
        for b in blocks
        if isinstance(b, dict) and b.get("type") == "input" and isinstance(b.get("block_id"), str)
    }


def answer_problems(validator: BlockKitValidator, body: object, view: object = None) -> list[str]:
    """What Slack would refuse in an HTTP answer (an ack): blocks, text, a view, inline errors."""
    if not isinstance(body, dict):
        return []
    problems: list[str] = []
    if "blocks" in body:
        problems += validator.check_blocks(body["blocks"])
        problems += limit_problems(body["blocks"], max_blocks=50)
    if "text" in body and not (isinstance(body["text"], str) and len(body["text"]) <= 3000):
        problems.append(f"text: {str(body['text'])[:80]!r}... ({len(str(body['text']))} chars)")
    if "view" in body:
        problems += validator.check_view(body["view"])
    if body.get("response_action") == "errors":
        errors = body.get("errors")
        if not isinstance(errors, dict) or not errors:
            problems.append(f"response_action errors without errors: {errors!r}")
        else:
            problems += [f"error on {k!r}, not an input" for k in set(errors) - input_ids(view)]
            problems += [
                f"error text {v!r}" for v in errors.values() if not isinstance(v, str) or not v
            ]
    text = json.dumps(body, ensure_ascii=False)
    problems += [f"{m} in the answer" for m in MENTIONS if m in text]
    return list(dict.fromkeys(problems))


# -- the log ----------------------------------------------------------------------------------


def server_side(records: Sequence[logging.LogRecord]) -> list[logging.LogRecord]:
    """The bot's own records (and Bolt's, uvicorn's): the test's HTTP client left out."""
    return [r for r in records if not r.name.startswith(("httpx", "httpcore"))]


def rendered(record: logging.LogRecord) -> str:
    return record.getMessage() + " " + str(record.__dict__) + " " + str(record.exc_text or "")


def has_traceback(record: logging.LogRecord) -> bool:
    return bool(record.exc_info) or "Traceback" in rendered(record)


def pipeline_failure(record: logging.LogRecord) -> bool:
    """The pipeline's own line for an unexpected failure: logged with a correlation id."""
    correlation = getattr(record, "correlation_id", None)
    return (
        record.getMessage() == "listener failed"
        and isinstance(correlation, str)
        and len(correlation) == 12
    )


def describe(record: logging.LogRecord) -> str:
    exc = record.exc_info[1] if record.exc_info else None
    what = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}" if exc else ""
    where = ""
    if exc is not None and exc.__traceback__ is not None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/bot/" in f.filename]
        where = (
            f" at {frames[-1].filename.split('/bot/')[-1]}:{frames[-1].lineno}" if frames else ""
        )
    return f"{record.name} {record.levelname} {record.getMessage()!r} {what}{where}"


async def post_signed(slack: SlackDriver, body: bytes, kind: str = FORM) -> Any:
    """POST `body` signed as Slack signs it; the DriverResult."""
    ts = int(time.time())
    signed = {
        "Content-Type": kind,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": slack.sign(body, ts),
    }
    return await slack.raw(body, signed)


async def post_raw(
    slack: SlackDriver, body: bytes, sent: list[tuple[bytes, bytes]]
) -> tuple[int, str]:
    """POST `body` with exactly these headers (names and values as bytes); (status, text)."""
    response = await slack._http.post(slack.app_url, content=body, headers=sent)
    return response.status_code, response.text


class ListenerFailed(UserWarning):
    """A "listener failed" line the attacks caused: allowed, but listed in pytest's summary."""


SEEN_FAILURES: set[str] = set()
MAX_BODY = 1_000_000


async def signed_round(
    slack: SlackDriver,
    bot: Any,
    caplog: Any,
    body: bytes,
    kind: str = FORM,
    view: object = None,
) -> Any:
    """Send `body` signed; assert the answer is no 500 and Slack would take it, that the bot
    wrote no mass mention anywhere, and that any traceback it logged is its own "listener
    failed" line (those are listed as ListenerFailed warnings). The DriverResult."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.WARNING, logger="sqlalchemy")
    standin = slack.standin
    calls, since = len(standin.calls), len(caplog.records)
    result = await post_signed(slack, body, kind)
    allowed = {200, 400, 404} | ({413} if len(body) > MAX_BODY else set())
    assert result.status in allowed, (result.status, result.text[:300])
    problems = answer_problems(standin.validator, result.body, view)
    assert not problems, problems
    await bot.runtime.settle(within=10)
    sent = json.dumps([c.args for c in standin.calls[calls:]], ensure_ascii=False)
    assert not [m for m in MENTIONS if m in sent], sent[:500]
    for record in server_side(caplog.records[since:]):
        if not has_traceback(record):
            continue
        assert pipeline_failure(record), describe(record)
        seen = describe(record)
        if seen not in SEEN_FAILURES:
            SEEN_FAILURES.add(seen)
            warnings.warn(ListenerFailed(seen), stacklevel=2)
    return result
