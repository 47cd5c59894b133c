"""The conversations.* methods of the Slack stand-in: open, members and history.

conversations.history answers as Slack does: newest first, `oldest` / `latest` exclusive unless
`inclusive`, pages of `limit` (default 100, at most 999) with `has_more` and a
`response_metadata.next_cursor`, thread replies left out (their parents carry the reply counts),
ephemeral and deleted messages never, and `metadata` only with `include_all_metadata`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.sandbox.records import JSON, PostedMessage, SlackError, arg_int, arg_str, flag

if TYPE_CHECKING:
    from bot.sandbox.server import SlackStandIn

Handler = Callable[[JSON], JSON]
HISTORY_LIMIT = 100
MAX_HISTORY_LIMIT = 999
_CURSOR_PREFIX = "next_ts:"


def ts_value(raw: object, error: str) -> Decimal | None:
    """A Slack timestamp argument ("1732460000.000100", "1732460000", a number); None if absent."""
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise SlackError(error) from None
    if not value.is_finite() or value < 0:
        raise SlackError(error)
    return value


def history_cursor(ts: str) -> str:
    """Slack's cursor for a page starting at (and including) message `ts`."""
    return base64.b64encode(f"{_CURSOR_PREFIX}{ts.replace('.', '')}".encode()).decode()


def cursor_ts(cursor: str) -> Decimal:
    try:
        decoded = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    digits = decoded.removeprefix(_CURSOR_PREFIX)
    if not decoded.startswith(_CURSOR_PREFIX) or not digits.isdigit() or len(digits) <= 6:
        raise SlackError("invalid_cursor")
    return Decimal(f"{digits[:-6]}.{digits[-6:]}")


def in_bounds(ts: Decimal, oldest: Decimal | None, latest: Decimal | None, inclusive: bool) -> bool:
    if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
        return False
    return latest is None or ts < latest or (ts == latest and inclusive)


class ConversationsApi:
    def __init__(self, standin: SlackStandIn) -> None:
        self.s = standin
        self.ws = standin.workspace

    def handlers(self) -> dict[str, Handler]:
        return {
            "conversations.open": self.conversations_open,
            "conversations.members": self.conversations_members,
            "conversations.history": self.conversations_history,
        }

    def _user(self, raw: object) -> str:
        user = self.ws.users.get(raw) if isinstance(raw, str) else None
        if user is None:
            raise SlackError("user_not_found")
        return user.id

    def conversations_open(self, args: JSON) -> JSON:
        if args.get("channel"):
            channel = arg_str(args, "channel")
            if not self.s.channel_known(channel):
                raise SlackError("channel_not_found")
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        raw = args.get("users")
        parts = raw if isinstance(raw, list) else str(raw or "").split(",")
        user_ids = list(dict.fromkeys(str(u).strip() for u in parts if str(u).strip()))
        if len(user_ids) > 1:  # the app's own bot user is implied, as in Slack
            user_ids = [u for u in user_ids if u != self.ws.bot_user_id]
        if not user_ids:
            raise SlackError("users_list_not_supplied")
        if len(user_ids) > 8:
            raise SlackError("too_many_users")
        for user_id in user_ids:
            if self.ws.users[self._user(user_id)].deleted:
                raise SlackError("user_disabled")
        channel = self.s.dm_id(user_ids)
        already_open = self.s.channel_known(channel)
        self.s.open_dm(user_ids)
        body: JSON = {"channel": {"id": channel}}
        if flag(args.get("return_im")):
            single = len(user_ids) == 1
            body["channel"].update(is_im=single, is_mpim=not single, user=user_ids[0])
        if already_open:
            body.update(no_op=True, already_open=True)
        return body

    def conversations_members(self, args: JSON) -> JSON:
        channel = arg_str(args, "channel")
        if not self.s.channel_known(channel):
            raise SlackError("channel_not_found")
        members = self.s.members(channel)
        return {"members": members, "response_metadata": {"next_cursor": ""}}

    # -- conversations.history -----------------------------------------------------------------

    def _readable(self, raw: object) -> str:
        """A conversation the bot may read: a channel it is in, or one of its DMs / group DMs."""
        if not isinstance(raw, str) or not raw:
            raise SlackError("channel_not_found")
        channel = self.ws.channels.get(raw)
        if channel is not None:
            if self.ws.bot_user_id not in channel.members:
                raise SlackError("not_in_channel")
            return raw
        if self.s.channel_known(raw):  # a DM or group DM, opened by (so with) the bot
            return raw
        person = self.ws.users.get("U" + raw[1:]) if raw.startswith("D") else None
        if person is not None and not person.is_bot:
            return raw  # every person has a DM with the app, opened or not (empty until then)
        raise SlackError("channel_not_found")

    def conversations_history(self, args: JSON) -> JSON:
        channel = self._readable(args.get("channel"))
        oldest = ts_value(args.get("oldest"), "invalid_ts_oldest")
        latest = ts_value(args.get("latest"), "invalid_ts_latest")
        inclusive = flag(args.get("inclusive"))
        limit = arg_int(args, "limit", HISTORY_LIMIT)
        limit = HISTORY_LIMIT if limit < 1 else min(limit, MAX_HISTORY_LIMIT)
        cursor = arg_str(args, "cursor")
        start = cursor_ts(cursor) if cursor else None
        visible = self.s.messages_in(channel, include_ephemeral=False)
        replies: dict[str, list[PostedMessage]] = {}
        for msg in visible:
            if msg.thread_ts and msg.thread_ts != msg.ts:
                replies.setdefault(msg.thread_ts, []).append(msg)
        found = [
            m
            for m in visible
            if (not m.thread_ts or m.thread_ts == m.ts)
            and in_bounds(Decimal(m.ts), oldest, latest, inclusive)
            and (start is None or Decimal(m.ts) <= start)
        ]
        found.sort(key=lambda m: Decimal(m.ts), reverse=True)
        page, rest = found[:limit], found[limit:]
        with_metadata = flag(args.get("include_all_metadata"))
        body: JSON = {
            "messages": [self._message(m, replies.get(m.ts, []), with_metadata) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if rest:
            body["response_metadata"] = {"next_cursor": history_cursor(rest[0].ts)}
        return body

    def _message(self, msg: PostedMessage, replies: list[PostedMessage], metadata: bool) -> JSON:
        """A message as conversations.history lists it (every stored message is the bot's)."""
        ws = self.ws
        out: JSON = {
            "user": ws.bot_user_id,
            "type": "message",
            "ts": msg.ts,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "text": msg.text,
            "team": ws.team_id,
            "bot_profile": {
                "id": ws.bot_id,
                "deleted": False,
                "name": ws.bot_name,
                "updated": 1732400000,
                "app_id": ws.app_id,
                "team_id": ws.team_id,
            },
        }
        if msg.blocks:
            out["blocks"] = msg.blocks
        if msg.files:
            stored = [self.s.files[f] for f in msg.files if f in self.s.files]
            out["files"] = [f.to_api(ws.bot_user_id) for f in stored]
            out["upload"] = False
        if replies:
            out.update(
                thread_ts=msg.ts,
                reply_count=len(replies),
                reply_users_count=1,
                latest_reply=replies[-1].ts,
                reply_users=[ws.bot_user_id],
                is_locked=False,
                subscribed=False,
            )
        if metadata and msg.metadata is not None:
            out["metadata"] = msg.metadata
        return out
