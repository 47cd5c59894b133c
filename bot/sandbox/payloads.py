"""The bodies Slack sends to the app, built from what the stand-in shows the user."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.sandbox.blockstate import UNSET, build_state, element_state, is_empty
from bot.sandbox.records import JSON, PostedMessage, StoredView

if TYPE_CHECKING:
    from bot.sandbox.server import SlackStandIn


class Payloads:
    """Slash command forms, interaction payloads and event envelopes, for `SlackDriver`.

    Every builder reads the stand-in's current state (messages, views, workspace), and the ones
    that need them issue trigger ids and response URLs there, as Slack would.
    """

    standin: SlackStandIn
    verification_token: str
    team_id: str

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

    def _command_form(self, user_id: str, channel: str, command: str, text: str) -> dict[str, str]:
        s, ws = self.standin, self.standin.workspace
        return {
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

    # -- block actions and suggestions ---------------------------------------------------------

    def _action(
        self,
        element: JSON,
        action_id: str,
        found_block: str,
        value: object,
        selected_option: object,
    ) -> JSON:
        """One entry of `actions`: a button's value, or the choice made in a select."""
        action: JSON = {"action_id": action_id, "block_id": found_block}
        if element["type"] == "button":
            action.update(type="button", text=element.get("text"), value=element.get("value"))
            if value is not None:
                action["value"] = value
        else:
            choice = selected_option if selected_option is not None else value
            action.update(element_state(element, UNSET if choice is None else choice))
        action["action_ts"] = f"{time.time():.6f}"
        return action

    def _block_actions(
        self, user_id: str, source: StoredView | PostedMessage, action: JSON
    ) -> JSON:
        s = self.standin
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
        return payload

    def _block_suggestion(
        self,
        user_id: str,
        source: StoredView | PostedMessage,
        action_id: str,
        found_block: str,
        value: str,
    ) -> JSON:
        payload = self._common("block_suggestion", user_id)
        payload.update(action_id=action_id, block_id=found_block, value=value)
        if isinstance(source, StoredView):
            payload["container"] = {"type": "view", "view_id": source.id}
            payload["view"] = {**source.view, "state": build_state(source.view["blocks"])}
        else:
            payload["container"] = {"type": "message", "message_ts": source.ts}
            payload["channel"] = self._channel_json(source.channel)
            payload["message"] = source.to_api(self.standin.workspace)
        return payload

    # -- views ---------------------------------------------------------------------------------

    def _view_submission(
        self, user_id: str, stored: StoredView, values: Mapping[str, object] | None
    ) -> JSON:
        """Fill the view's inputs (the state goes on the stored view too) and submit it."""
        blocks = stored.view["blocks"]
        state = build_state(blocks, values)
        for block in blocks:
            if block.get("type") == "input" and not block.get("optional"):
                for action_id, entry in state["values"].get(block["block_id"], {}).items():
                    assert not is_empty(entry), f"required input {action_id!r} is empty"
        stored.view["state"] = state
        payload = self._common("view_submission", user_id)
        payload.update(
            trigger_id=self.standin.issue_trigger_id(user_id), view=stored.view, response_urls=[]
        )
        return payload

    def _view_closed(self, user_id: str, stored: StoredView, clear: bool) -> JSON:
        payload = self._common("view_closed", user_id)
        payload.update(view=stored.view, is_cleared=clear)
        return payload

    # -- events --------------------------------------------------------------------------------

    def _event_callback(self, event: JSON, event_id: str, now: float) -> JSON:
        ws = self.standin.workspace
        event = {**event, "event_ts": event.get("event_ts") or f"{now:.6f}"}
        return {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "context_team_id": ws.team_id,
            "api_app_id": ws.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
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
