"""Plays Slack towards the app: signed slash commands, interactions and events.

Payloads are built from what the bot actually showed (the stand-in's stored messages and views), so
a test can only click buttons and fill inputs that exist, and gets Slack's client behaviour back.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self
from urllib.parse import urlencode

import httpx

from bot.sandbox.blockstate import UNSET, build_state, element_state, is_empty, iter_elements
from bot.sandbox.records import JSON, MAX_VIEW_STACK, PostedMessage, StoredView
from bot.sandbox.server import SlackStandIn

Outcome = Literal["closed", "cleared", "errors", "updated", "pushed"]
FORM = "application/x-www-form-urlencoded"


@dataclass
class DriverResult:
    """The app's HTTP answer and, for view submissions, what Slack's client did with it."""

    status: int
    body: Any = None
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    outcome: Outcome | None = None
    errors: dict[str, str] = field(default_factory=dict)
    view: StoredView | None = None
    options: list[JSON] = field(default_factory=list)
    message: PostedMessage | None = None
    sent: bool = True

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def closed(self) -> bool:
        return self.outcome in ("closed", "cleared")


class SlackDriver:
    """Sends what Slack would send to the app at `app_url`, signed with `signing_secret`."""

    def __init__(
        self,
        standin: SlackStandIn,
        app_url: str,
        signing_secret: str,
        *,
        http: httpx.AsyncClient | None = None,
        verification_token: str = "sandbox-verification-token",
    ) -> None:
        self.standin = standin
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.verification_token = verification_token
        self.team_id = standin.workspace.team_id
        self._http = http if http is not None else httpx.AsyncClient(timeout=10.0)
        self._owns_http = http is None
        self._event_seq = itertools.count(1)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport -----------------------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int) -> str:
        base = f"v0:{timestamp}:".encode() + body
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    async def raw(self, body: bytes, headers: Mapping[str, str]) -> DriverResult:
        """POST arbitrary bytes with exactly these headers (forged or stale signatures)."""
        response = await self._http.post(self.app_url, content=body, headers=dict(headers))
        parsed: Any = None
        if response.content:
            try:
                parsed = response.json()
            except ValueError:
                parsed = None
        return DriverResult(response.status_code, parsed, response.text, dict(response.headers))

    async def _send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> DriverResult:
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else self.sign(body, ts),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return await self.raw(body, headers)

    async def _interact(self, payload: JSON) -> DriverResult:
        return await self._send(urlencode({"payload": json.dumps(payload)}).encode(), FORM)

    def _user(self, user_id: str) -> JSON:
        user = self.standin.workspace.user(user_id)
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": self.team_id}

    def _common(self, kind: str, user_id: str) -> JSON:
        ws = self.standin.workspace
        return {
            "type": kind,
            "user": self._user(user_id),
            "api_app_id": ws.app_id,
            "token": self.verification_token,
            "team": {"id": ws.team_id, "domain": ws.domain},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _channel_json(self, channel_id: str) -> JSON:
        channel = self.standin.workspace.channels.get(channel_id)
        names = {"D": "directmessage", "G": "privategroup"}
        return {"id": channel_id, "name": channel.name if channel else names.get(channel_id[0])}

    # -- slash commands ------------------------------------------------------------------------

    async def command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/mentor",
        channel_id: str | None = None,
        retry_num: int | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> DriverResult:
        s, ws = self.standin, self.standin.workspace
        channel = channel_id or s.open_dm(user_id)
        form = {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "team_domain": ws.domain,
            "channel_id": channel,
            "channel_name": self._channel_json(channel)["name"],
            "user_id": user_id,
            "user_name": ws.user(user_id).name,
            "command": command,
            "text": text,
            "api_app_id": ws.app_id,
            "is_enterprise_install": "false",
            "response_url": s.new_response_url(user_id, channel),
            "trigger_id": s.issue_trigger_id(user_id),
        }
        result = await self._send(
            urlencode(form).encode(),
            FORM,
            timestamp=timestamp,
            signature=signature,
            retry_num=retry_num,
        )
        if result.status == 200:  # a JSON message, or plain text (Bolt's `ack("text")`)
            ack = result.body if isinstance(result.body, dict) else {"text": result.text.strip()}
            self._check_blocks(ack.get("blocks"), "the command's ack")
            result.message = s.record_ack(user_id, channel, ack)
        return result

    def _check_blocks(self, blocks: object, where: str) -> None:
        if blocks:
            problems = self.standin.validator.check_blocks(blocks)
            assert not problems, f"Slack would reject the blocks of {where}: {problems}"

    # -- block actions -------------------------------------------------------------------------

    def _locate(
        self,
        user_id: str,
        action_id: str,
        *,
        block_id: str | None = None,
        view_id: str | None = None,
        message_ts: str | None = None,
        channel_id: str | None = None,
    ) -> tuple[StoredView | PostedMessage, str, JSON]:
        s = self.standin
        sources: list[StoredView | PostedMessage] = []
        if view_id is not None:
            view = s.views.get(view_id)
            assert view is not None and view.user_id == user_id and s.is_live(view), (
                f"{user_id} has no open view {view_id!r}"
            )
            sources = [view]
        elif message_ts is not None:
            msg = s.find_message(channel_id, message_ts)
            assert msg is not None and msg in s.visible_to(user_id), (
                f"{user_id} sees no message {message_ts!r} in {channel_id or 'any channel'}"
            )
            sources = [msg]
        else:
            home = s.home_views.get(user_id)
            sources += reversed(s.open_views(user_id))
            sources += [s.views[home["id"]]] if home else []
            sources += reversed(s.visible_to(user_id))
        seen: list[str] = []
        for source in sources:
            blocks = source.view["blocks"] if isinstance(source, StoredView) else source.blocks
            for found_block, element in iter_elements(blocks or []):
                seen.append(element["action_id"])
                if element["action_id"] == action_id and block_id in (None, found_block):
                    return source, found_block, element
        raise AssertionError(f"{user_id} sees no element {action_id!r} there; they see {seen}")

    async def click(
        self,
        user_id: str,
        action_id: str,
        *,
        value: object = None,
        block_id: str | None = None,
        view_id: str | None = None,
        message_ts: str | None = None,
        channel_id: str | None = None,
        selected_option: object = None,
    ) -> DriverResult:
        """Click a button (or pick in a select) the user can see; the element must exist."""
        s = self.standin
        source, found_block, element = self._locate(
            user_id,
            action_id,
            block_id=block_id,
            view_id=view_id,
            message_ts=message_ts,
            channel_id=channel_id,
        )
        action: JSON = {"action_id": action_id, "block_id": found_block}
        if element["type"] == "button":
            action.update(type="button", text=element.get("text"), value=element.get("value"))
            if value is not None:
                action["value"] = value
        else:
            choice = selected_option if selected_option is not None else value
            action.update(element_state(element, UNSET if choice is None else choice))
        action["action_ts"] = f"{time.time():.6f}"
        payload = self._common("block_actions", user_id)
        payload["trigger_id"] = s.issue_trigger_id(user_id)
        if isinstance(source, StoredView):
            payload["container"] = {"type": "view", "view_id": source.id}
            payload["view"] = {**source.view, "state": build_state(source.view["blocks"])}
        else:
            ephemeral = source.ephemeral_user is not None
            payload["container"] = {
                "type": "message",
                "message_ts": source.ts,
                "channel_id": source.channel,
                "is_ephemeral": ephemeral,
            }
            payload["channel"] = self._channel_json(source.channel)
            if not ephemeral:
                payload["message"] = source.to_api(self.standin.workspace)
            payload["state"] = build_state(source.blocks or [])
            payload["response_url"] = s.new_response_url(
                user_id, source.channel, message_ts=source.ts
            )
        payload["actions"] = [action]
        return await self._interact(payload)

    async def suggest(
        self, user_id: str, action_id: str, value: str, *, view_id: str | None = None
    ) -> DriverResult:
        """Type `value` into an external select; the result carries the options the app sent."""
        source, found_block, element = self._locate(user_id, action_id, view_id=view_id)
        assert "external" in element["type"], f"{action_id!r} is a {element['type']}"
        payload = self._common("block_suggestion", user_id)
        payload.update(action_id=action_id, block_id=found_block, value=value)
        if isinstance(source, StoredView):
            payload["container"] = {"type": "view", "view_id": source.id}
            payload["view"] = {**source.view, "state": build_state(source.view["blocks"])}
        else:
            payload["container"] = {"type": "message", "message_ts": source.ts}
            payload["channel"] = self._channel_json(source.channel)
            payload["message"] = source.to_api(self.standin.workspace)
        result = await self._interact(payload)
        if isinstance(result.body, dict):
            result.options = list(result.body.get("options") or [])
            for group in result.body.get("option_groups") or []:
                result.options += group.get("options") or []
        return result

    # -- views ---------------------------------------------------------------------------------

    def _top(self, user_id: str, view_id: str | None) -> StoredView:
        top = self.standin.top_view(user_id)
        assert top is not None, f"{user_id} has no modal open"
        assert view_id in (None, top.id), f"{view_id} is not {user_id}'s top modal ({top.id})"
        return top

    async def submit(
        self, user_id: str, view_id: str | None = None, values: Mapping[str, object] | None = None
    ) -> DriverResult:
        """Fill the modal's inputs (by action_id or block_id) and press Submit."""
        s = self.standin
        stored = self._top(user_id, view_id)
        blocks = stored.view["blocks"]
        state = build_state(blocks, values)
        for block in blocks:
            if block.get("type") == "input" and not block.get("optional"):
                for action_id, entry in state["values"].get(block["block_id"], {}).items():
                    assert not is_empty(entry), f"required input {action_id!r} is empty"
        stored.view["state"] = state
        payload = self._common("view_submission", user_id)
        payload.update(trigger_id=s.issue_trigger_id(user_id), view=stored.view, response_urls=[])
        result = await self._interact(payload)
        if result.status != 200:
            return result  # Slack shows "We had some trouble connecting"; the modal stays
        ack = result.body if isinstance(result.body, dict) else {}
        action = ack.get("response_action")
        if action is None:
            s.pop_view(user_id)
            result.outcome = "closed"
        elif action == "errors":
            inputs = {b.get("block_id") for b in blocks if b.get("type") == "input"}
            errors = ack.get("errors")
            assert isinstance(errors, dict) and errors, (
                f"response_action errors without errors: {ack}"
            )
            unknown = set(errors) - inputs
            assert not unknown, f"Slack rejects errors for unknown input block_ids {unknown}"
            result.outcome, result.errors = "errors", {k: str(v) for k, v in errors.items()}
        elif action in ("update", "push"):
            new = ack.get("view")
            problems = s.validator.check_view(new)
            assert not problems, f"Slack would reject the {action}d view: {problems}"
            assert isinstance(new, dict) and new.get("type") == "modal"
            if action == "update":
                result.view, result.outcome = s.replace_view(stored.id, new), "updated"
            else:
                assert len(s.open_views(user_id)) < MAX_VIEW_STACK, "push_limit_reached"
                result.view, result.outcome = s.store_view(user_id, new, push=True), "pushed"
        elif action == "clear":
            s.close_views(user_id)
            result.outcome = "cleared"
        else:
            raise AssertionError(f"unknown response_action {action!r}")
        return result

    async def close(self, user_id: str, view_id: str | None = None) -> DriverResult:
        """Press Cancel/close; Slack tells the app only when the view has notify_on_close."""
        s = self.standin
        stored = self._top(user_id, view_id)
        clear = bool(stored.view.get("clear_on_close"))
        result = DriverResult(status=0, sent=False)
        if stored.view.get("notify_on_close"):
            payload = self._common("view_closed", user_id)
            payload.update(view=stored.view, is_cleared=clear)
            result = await self._interact(payload)
        if clear:
            s.close_views(user_id)
        else:
            s.pop_view(user_id)
        result.outcome = "cleared" if clear else "closed"
        return result

    # -- events --------------------------------------------------------------------------------

    async def event(
        self,
        event: JSON,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_id: str | None = None,
    ) -> DriverResult:
        ws = self.standin.workspace
        now = time.time()
        event = {**event, "event_ts": event.get("event_ts") or f"{now:.6f}"}
        envelope = {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "context_team_id": ws.team_id,
            "api_app_id": ws.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id
            or f"Ev0SB{next(self._event_seq):04d}{secrets.token_hex(3).upper()}",
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return await self._send(
            json.dumps(envelope).encode(),
            "application/json",
            retry_num=retry_num,
            retry_reason=retry_reason,
        )

    async def app_home_opened(self, user_id: str, **kwargs: Any) -> DriverResult:
        s = self.standin
        event: JSON = {"type": "app_home_opened", "user": user_id, "tab": "home"}
        event["channel"] = s.open_dm(user_id)
        if user_id in s.home_views:
            event["view"] = s.home_views[user_id]
        return await self.event(event, **kwargs)
