"""Text for mrkdwn: escaping and clipping what people typed, mentions, dates, plurals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc(raw: str, limit: int) -> str:
    """`raw` escaped for mrkdwn, at most `limit` characters, never cutting an entity in half."""
    out: list[str] = []
    used = 0
    for ch in raw:
        piece = escape(ch)
        if used + len(piece) > limit - 1:
            return "".join(out).rstrip() + "…"
        out.append(piece)
        used += len(piece)
    return "".join(out)


def fit(escaped: Sequence[str], budget: int, *, sep: str = ", ", noun: str = "more") -> str:
    """Join already escaped items until `budget` characters, then "and N more"."""
    shown: list[str] = []
    used = 0
    for i, item in enumerate(escaped):
        rest = len(escaped) - i
        tail = len(f" and {rest} {noun}")
        extra = len(item) + (len(sep) if shown else 0)
        if used + extra + (tail if rest > 1 else 0) > budget:
            return f"{sep.join(shown)} and {rest} {noun}" if shown else f"{rest} {noun}"
        shown.append(item)
        used += extra
    return sep.join(shown)


def topics(items: Iterable[str], budget: int = 600) -> str:
    return fit([esc(t, 80) for t in items if t.strip()], budget)


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def date_token(when: datetime, *, with_time: bool = False) -> str:
    """Slack's date token: each reader sees the date in their own locale and timezone.
    A naive datetime is read as UTC."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    fallback = day(aware.date())
    fmt = "{date_short_pretty}"
    if with_time:
        fmt += " at {time}"
        fallback += f" {aware:%H:%M} UTC"
    return f"<!date^{int(aware.timestamp())}^{fmt}|{fallback}>"


def day(d: date) -> str:
    """A date in words: "Monday 7 December 2026"."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
