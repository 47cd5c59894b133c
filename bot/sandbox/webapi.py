"""The Web API methods of the Slack stand-in, answering as Slack does (``ok: false`` included)."""

from __future__ import annotations

import base64
import binascii
import itertools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sandbox.metadata import Absent, parse_metadata, with_warning
from bot.sandbox.records import (
    JSON,
    MAX_VIEW_STACK,
    ResponseUrl,
    SlackError,
    StoredFile,
    arg_int,
    arg_str,
    flag,
)
from bot.sandbox.webapi_conversations import ConversationsApi

if TYPE_CHECKING:
    from bot.sandbox.server import SlackStandIn

Handler = Callable[[JSON], JSON]
MAX_TEXT = 40_000


class WebApi:
    def __init__(self, standin: SlackStandIn) -> None:
        self.s = standin
        self.ws = standin.workspace
        self._file_seq = itertools.count(1)

    def handlers(self) -> dict[str, Handler]:
        return {
            "auth.test": self.auth_test,
            "team.info": self.team_info,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "users.info": self.users_info,
            "users.list": self.users_list,
            "files.getUploadURLExternal": self.files_get_upload_url,
            "files.completeUploadExternal": self.files_complete_upload,
            **ConversationsApi(self.s).handlers(),
        }

    # -- argument helpers ----------------------------------------------------------------------

    def _json_arg(self, args: JSON, key: str, error: str) -> Any:
        """`blocks`, `view`, `files`... arrive as JSON strings when form-encoded."""
        value = args.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise SlackError(error) from None
            args[key] = value
        return value

    def _blocks(self, args: JSON) -> list[JSON] | None:
        blocks = self._json_arg(args, "blocks", "invalid_blocks_format")
        if blocks is None or blocks == []:
            return None
        problems = self.s.validator.check_blocks(blocks)
        if problems:
            messages = [f"[ERROR] {p}" for p in problems]
            raise SlackError(
                "invalid_blocks", errors=problems, response_metadata={"messages": messages}
            )
        assert isinstance(blocks, list)
        return blocks

    def _content(self, args: JSON) -> tuple[str, list[JSON] | None]:
        blocks = self._blocks(args)
        text = arg_str(args, "text")
        if not text and not blocks and not args.get("attachments"):
            raise SlackError("no_text")
        if len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        return text, blocks

    def _view(self, args: JSON, *allowed: str) -> JSON:
        view = self._json_arg(args, "view", "invalid_arguments")
        if not isinstance(view, dict):
            problems = ["missing required field: view"]
        else:
            problems = self.s.validator.check_view(view)
            if not problems and view.get("type") not in allowed:
                problems = [f"view.type: must be {' or '.join(map(repr, allowed))} for this method"]
        if problems:
            messages = [f"[ERROR] {p}" for p in problems]
            raise SlackError("invalid_arguments", response_metadata={"messages": messages})
        assert isinstance(view, dict)
        return view

    def _channel(self, raw: object) -> str:
        """A channel id, `#name`, or a user id (which opens that user's DM, as Slack does)."""
        if not isinstance(raw, str) or not raw:
            raise SlackError("channel_not_found")
        if raw.startswith("#"):
            for channel in self.ws.channels.values():
                if channel.name == raw[1:]:
                    return channel.id
            raise SlackError("channel_not_found")
        if self.s.channel_known(raw):
            return raw
        if raw.startswith("D") and "U" + raw[1:] in self.ws.users:
            raw = "U" + raw[1:]  # every person has a DM with the app, opened or not
        user = self.ws.users.get(raw)
        if user is None or user.is_bot:
            raise SlackError("channel_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
        return self.s.open_dm(raw)

    def _user(self, raw: object) -> str:
        user = self.ws.users.get(raw) if isinstance(raw, str) else None
        if user is None:
            raise SlackError("user_not_found")
        return user.id

    # -- methods -------------------------------------------------------------------------------

    def auth_test(self, args: JSON) -> JSON:
        ws = self.ws
        return {
            "url": f"https://{ws.domain}.slack.com/",
            "team": ws.team_name,
            "user": ws.bot_name,
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def team_info(self, args: JSON) -> JSON:
        ws = self.ws
        return {"team": {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain}}

    def chat_post_message(self, args: JSON) -> JSON:
        channel = self._channel(args.get("channel"))
        known = self.ws.channels.get(channel)
        if known is not None and self.ws.bot_user_id not in known.members:
            raise SlackError("not_in_channel")  # as Slack answers a bot never invited
        text, blocks = self._content(args)
        metadata, warning = parse_metadata(args.get("metadata"))
        msg = self.s.post(
            channel,
            text,
            blocks,
            thread_ts=arg_str(args, "thread_ts") or None,
            metadata=None if isinstance(metadata, Absent) else metadata,
        )
        message = msg.to_api(self.ws, with_metadata=True)
        return with_warning({"channel": channel, "ts": msg.ts, "message": message}, warning)

    def chat_post_ephemeral(self, args: JSON) -> JSON:
        channel = self._channel(args.get("channel"))
        user_id = self._user(args.get("user"))
        if user_id not in self.s.members(channel):
            raise SlackError("user_not_in_channel")
        text, blocks = self._content(args)
        thread_ts = arg_str(args, "thread_ts") or None
        msg = self.s.post(channel, text, blocks, thread_ts=thread_ts, ephemeral_user=user_id)
        return {"message_ts": msg.ts}

    def chat_update(self, args: JSON) -> JSON:
        channel = self._channel(args.get("channel"))
        msg = self.s.find_message(channel, arg_str(args, "ts"))
        if msg is None or msg.ephemeral_user is not None:
            raise SlackError("message_not_found")
        if "text" not in args and args.get("blocks"):
            args["text"] = msg.text
        text, blocks = self._content(args)
        metadata, warning = parse_metadata(args.get("metadata"), clearing=True)
        if not isinstance(metadata, Absent):  # absent keeps the metadata; {} removes it
            msg.metadata = metadata
        self.s.update_message(msg, text, blocks)
        message = msg.to_api(self.ws, with_metadata=True)
        body = {"channel": channel, "ts": msg.ts, "text": text, "message": message}
        return with_warning(body, warning)

    def chat_delete(self, args: JSON) -> JSON:
        channel = self._channel(args.get("channel"))
        msg = self.s.find_message(channel, arg_str(args, "ts"))
        if msg is None or msg.ephemeral_user is not None:
            raise SlackError("message_not_found")
        msg.deleted = True
        return {"channel": channel, "ts": msg.ts}

    def views_open(self, args: JSON) -> JSON:
        view = self._view(args, "modal")
        user_id = self.s.use_trigger(args.get("trigger_id"))
        return {"view": self.s.store_view(user_id, view).view}

    def views_push(self, args: JSON) -> JSON:
        view = self._view(args, "modal")
        user_id = self.s.use_trigger(args.get("trigger_id"))
        stack = self.s.open_views(user_id)
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= MAX_VIEW_STACK:
            raise SlackError("push_limit_reached")
        return {"view": self.s.store_view(user_id, view, push=True).view}

    def views_update(self, args: JSON) -> JSON:
        view = self._view(args, "modal", "home")
        view_id, external_id = arg_str(args, "view_id"), arg_str(args, "external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments")
        stored = None
        for candidate in self.s.views.values():
            if self.s.is_live(candidate) and (
                candidate.id == view_id or (external_id and candidate.external_id == external_id)
            ):
                stored = candidate
        if stored is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != stored.hash:
            raise SlackError("hash_conflict")
        if view["type"] != stored.type:
            raise SlackError("invalid_arguments")
        return {"view": self.s.replace_view(stored.id, view).view}

    def views_publish(self, args: JSON) -> JSON:
        user_id = self._user(args.get("user_id"))
        view = self._view(args, "home")
        current = self.s.home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        if current is not None:
            return {"view": self.s.replace_view(current["id"], view).view}
        return {"view": self.s.store_view(user_id, view).view}

    def users_info(self, args: JSON) -> JSON:
        user = self.ws.users[self._user(args.get("user"))]
        body = user.to_api(self.ws.team_id, self.ws.domain)
        if flag(args.get("include_locale")):
            body["locale"] = "en-US"
        return {"user": body}

    def users_list(self, args: JSON) -> JSON:
        users = list(self.ws.users.values())
        limit = arg_int(args, "limit", 0)
        start = 0
        cursor = arg_str(args, "cursor")
        if cursor:
            try:
                after = base64.b64decode(cursor, validate=True).decode().removeprefix("user:")
            except (binascii.Error, UnicodeDecodeError):
                raise SlackError("invalid_cursor") from None
            ids = [u.id for u in users]
            if after not in ids:
                raise SlackError("invalid_cursor")
            start = ids.index(after)
        page = users[start : start + limit] if limit > 0 else users[start:]
        end = start + len(page)
        next_cursor = ""
        if end < len(users):
            next_cursor = base64.b64encode(f"user:{users[end].id}".encode()).decode()
        members = [u.to_api(self.ws.team_id, self.ws.domain) for u in page]
        if flag(args.get("include_locale")):
            for member in members:
                member["locale"] = "en-US"
        return {
            "members": members,
            "cache_ts": 1732460000,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def files_get_upload_url(self, args: JSON) -> JSON:
        filename = arg_str(args, "filename")
        length = arg_int(args, "length", -1)
        if not filename or length < 0:
            raise SlackError("invalid_arguments")
        file_id = f"F0SB{next(self._file_seq):06d}"
        alt = arg_str(args, "alt_txt")
        if len(alt) > 1000:  # Slack's limit for alt text
            raise SlackError("invalid_arguments")
        self.s.files[file_id] = StoredFile(file_id, filename, length, alt_txt=alt)
        return {"upload_url": f"{self.s.base_url}/upload/{file_id}", "file_id": file_id}

    def files_complete_upload(self, args: JSON) -> JSON:
        items = self._json_arg(args, "files", "invalid_arguments")
        if not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments")
        stored: list[StoredFile] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise SlackError("invalid_arguments")
            found = self.s.files.get(item["id"])
            if found is None or found.content is None:  # never uploaded to the upload URL
                raise SlackError("file_not_found")
            stored.append(found)
        targets = [arg_str(args, "channel_id")] if args.get("channel_id") else []
        targets += [c for c in arg_str(args, "channels").split(",") if c]
        channels = [self._channel(c) for c in targets]
        for found, item in zip(stored, items, strict=True):
            found.title = str(item.get("title") or found.filename)
        for channel in channels:
            ids = [f.id for f in stored]
            text = arg_str(args, "initial_comment")
            thread_ts = arg_str(args, "thread_ts") or None
            self.s.post(channel, text, None, thread_ts=thread_ts, files=ids)
            for found in stored:
                found.channels.append(channel)
        return {"files": [f.to_api(self.ws.bot_user_id) for f in stored]}

    def respond(self, entry: ResponseUrl | None, body: object) -> tuple[int, str, list[str]]:
        """A POST to a response_url: (HTTP status, Slack's plain-text answer, block problems)."""
        if entry is None:
            return 404, "expired_url", []
        if not isinstance(body, dict):
            return 400, "invalid_payload", []
        original = self.s.find_message(entry.channel_id, entry.message_ts or "-")
        if flag(body.get("delete_original")):
            if original is not None:
                original.deleted = True
            entry.uses += 1
            return 200, "ok", []
        blocks = body.get("blocks")
        problems = self.s.validator.check_blocks(blocks) if blocks is not None else []
        if problems:
            return 400, "invalid_blocks", problems
        text = str(body.get("text") or "")
        if not text and not blocks:
            return 400, "no_text", []
        entry.uses += 1
        if flag(body.get("replace_original")) and original is not None:
            self.s.update_message(original, text, blocks)
            return 200, "ok", []
        ephemeral = body.get("response_type", "ephemeral") != "in_channel"
        self.s.post(
            entry.channel_id,
            text,
            blocks,
            thread_ts=body.get("thread_ts"),
            via="response_url",
            ephemeral_user=entry.user_id if ephemeral else None,
        )
        return 200, "ok", []
