"""Several workspaces behind one Slack: a front on its own port that the bot's SLACK_API_URL and
SLACK_AUTHORIZE_URL point at, handing each request to the stand-in of the workspace it belongs
to, as Slack itself knows a workspace by its token. Each stand-in keeps its own people (ids may
be the same in two workspaces: they are only unique within one), conversations and views, and
honours only its own tokens, so a message sent with the wrong workspace's token fails loudly.

`oauth.v2.access` carries no token: it goes to the workspace that issued the code. The consent
screen goes to the workspace the installing person picked (`choose`), as on Slack's page."""

from __future__ import annotations

from typing import Self

from aiohttp import web

from bot.sandbox.records import ApiCall
from bot.sandbox.server import SlackStandIn, serve_loopback


class SlackFederation:
    def __init__(self, *standins: SlackStandIn) -> None:
        self.standins = list(standins)
        self.chosen = self.standins[0]  # the workspace the next install goes to
        self.calls: list[tuple[str, ApiCall]] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("the federation is not running")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/oauth/v2/authorize"

    def choose(self, standin: SlackStandIn) -> None:
        self.chosen = standin

    def _by_token(self, request: web.Request) -> SlackStandIn | None:
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else request.query.get("token", "")
        for standin in self.standins:
            if token in standin.tokens or token in standin.revoked:
                return standin
        return None

    async def api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        target = self._by_token(request)
        if method == "oauth.v2.access":
            form = await request.post() if request.body_exists else {}
            code = str(form.get("code") or request.query.get("code") or "")
            target = next((s for s in self.standins if s.oauth.issued(code)), None)
        if target is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return await target.answer_api(request)

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        return await self.chosen.oauth.authorize(request)

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_get("/oauth/v2/authorize", self.authorize)
        self._runner, self._port = await serve_loopback(app)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner, self._port = None, None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
