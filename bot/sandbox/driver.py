"""Plays Slack towards the app: signed slash commands, interactions and events.

Payloads are built from what the bot actually showed (the stand-in's stored messages and views), so
a test can only click buttons and fill inputs that exist, and gets Slack's client behaviour back.
The bodies are built in `payloads`; signing and sending them is in `signing`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx

from bot.sandbox.blockstate import iter_elements
from bot.sandbox.payloads import Payloads
from bot.sandbox.records import JSON, MAX_VIEW_STACK, PostedMessage, StoredView
from bot.sandbox.server import SlackStandIn
from bot.sandbox.signing import FORM, DriverResult, Outcome, SignedSender

__all__ = ["FORM", "DriverResult", "Outcome", "SlackDriver"]


def envelope_of(body: bytes, content_type: str) -> tuple[str, JSON]:
    """What Slack would put in a Socket Mode envelope for an HTTP body: a command's fields, an
    interaction's payload, an event callback."""
    text = body.decode("utf-8")
    if content_type == FORM:
        form = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
        if "payload" in form:
            return "interactive", json.loads(form["payload"])
        return "slash_commands", dict(form)
    return "events_api", json.loads(text)


class SlackDriver(SignedSender, Payloads):
    """Sends what Slack would send to the app at `app_url`, signed with `signing_secret`."""

    def __init__(
        self,
        standin: SlackStandIn,
        app_url: str,
        signing_secret: str,
        *,
        http: httpx.AsyncClient | None = None,
        verification_token: str = "sandbox-verification-token",
        socket_mode: bool = False,
    ) -> None:
        super().__init__(app_url, signing_secret, http=http)
        self.standin = standin
        # Socket Mode: the same payloads go to the app as envelopes over its socket, and the
        # ack's payload comes back as the answer an HTTP response would have carried.
        self.socket_mode = socket_mode
        self.verification_token = verification_token
        self.team_id = standin.workspace.team_id
        self._event_seq = itertools.count(1)

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
        if not self.socket_mode:
            return await super()._send(
                body,
                content_type,
                timestamp=timestamp,
                signature=signature,
                retry_num=retry_num,
                retry_reason=retry_reason,
            )
        kind, payload = envelope_of(body, content_type)
        answer = await self.standin.socket.deliver(kind, payload)
        if answer is None:
            return DriverResult(504, None, "no ack")
        return DriverResult(200, answer or None, json.dumps(answer) if answer else "")

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
        s = self.standin
        channel = channel_id or s.open_dm(user_id)
        form = self._command_form(user_id, channel, command, text)
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
        source, found_block, element = self._locate(
            user_id,
            action_id,
            block_id=block_id,
            view_id=view_id,
            message_ts=message_ts,
            channel_id=channel_id,
        )
        action = self._action(element, action_id, found_block, value, selected_option)
        return await self._interact(self._block_actions(user_id, source, action))

    async def suggest(
        self, user_id: str, action_id: str, value: str, *, view_id: str | None = None
    ) -> DriverResult:
        """Type `value` into an external select; the result carries the options the app sent."""
        source, found_block, element = self._locate(user_id, action_id, view_id=view_id)
        assert "external" in element["type"], f"{action_id!r} is a {element['type']}"
        payload = self._block_suggestion(user_id, source, action_id, found_block, value)
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
        answered = s.submitting[stored.id] = asyncio.Event()
        try:
            return await self._answer(stored, values)
        finally:
            answered.set()
            s.submitting.pop(stored.id, None)

    async def _answer(
        self, stored: StoredView, values: Mapping[str, object] | None
    ) -> DriverResult:
        """Submit, and apply the ack as Slack would."""
        s = self.standin
        user_id = stored.user_id
        blocks = stored.view["blocks"]
        result = await self._interact(self._view_submission(user_id, stored, values))
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
            result = await self._interact(self._view_closed(user_id, stored, clear))
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
        now = time.time()
        event_id = event_id or f"Ev0SB{next(self._event_seq):04d}{secrets.token_hex(3).upper()}"
        envelope = self._event_callback(event, event_id, now)
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
