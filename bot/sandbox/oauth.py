"""The stand-in's OAuth v2 side, as Slack's install flow goes: the app's *Add to Slack* link
sends a browser to `/oauth/v2/authorize` (client_id, scope, state, redirect_uri); the person
allows or cancels, and the browser comes back to the app's redirect URL with `code` and `state`
(or `error=access_denied`); the app exchanges the code, once, with `oauth.v2.access` and its
client credentials, and gets a bot token of its own for the workspace. `uninstall` and `revoke`
end that token and send the app the events Slack sends."""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from bot.sandbox.records import JSON, SlackError

if TYPE_CHECKING:
    from bot.sandbox.server import SlackStandIn


@dataclass
class Grant:
    code: str
    installer: str
    redirect_uri: str
    scope: str
    used: bool = False


class OAuthServer:
    def __init__(self, standin: SlackStandIn) -> None:
        self.standin = standin
        self.client_id = "1111111111.2222222222"
        self.client_secret = "sandbox-client-secret"
        self.installer = "U01PRIYA"  # who clicks Allow in the browser
        self.redirect_uri = ""  # the app's configured Redirect URL, when the link names none
        self.installed: list[str] = []  # bot tokens handed out, newest last
        self._grants: dict[str, Grant] = {}

    @property
    def authorize_url(self) -> str:
        return self.standin.base_url + "/oauth/v2/authorize"

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        """The consent screen, decided at once by `decision=allow|deny` (a test's click)."""
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        redirect = query.get("redirect_uri") or self.redirect_uri
        if not redirect:
            return web.Response(status=400, text="bad_redirect_uri")
        state = query.get("state", "")
        if query.get("decision", "allow") != "allow":
            raise web.HTTPFound(
                f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}"
            )
        code = secrets.token_hex(10)
        self._grants[code] = Grant(code, self.installer, redirect, query.get("scope", ""))
        raise web.HTTPFound(f"{redirect}?{urlencode({'code': code, 'state': state})}")

    def issued(self, code: str) -> bool:
        return code in self._grants

    def access(self, args: JSON) -> JSON:
        """`oauth.v2.access`: the code, once, for the app whose credentials come with it."""
        if (
            args.get("client_id") != self.client_id
            or args.get("client_secret") != self.client_secret
        ):
            raise SlackError("invalid_client")
        grant = self._grants.get(str(args.get("code") or ""))
        if grant is None or grant.used:
            raise SlackError("invalid_code")
        if args.get("redirect_uri") and args["redirect_uri"] != grant.redirect_uri:
            raise SlackError("bad_redirect_uri")
        grant.used = True
        ws = self.standin.workspace
        token = f"xoxb-{ws.team_id}-{secrets.token_hex(8)}"
        self.standin.tokens.add(token)
        self.installed.append(token)
        return {
            "app_id": ws.app_id,
            "authed_user": {"id": grant.installer},
            "scope": grant.scope,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": ws.bot_user_id,
            "team": {"id": ws.team_id, "name": ws.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def revoke_all(self) -> None:
        """The workspace uninstalled the app: every token it was given stops working."""
        for token in self.installed:
            self.standin.tokens.discard(token)
            self.standin.revoked.add(token)


@dataclass
class InstallResult:
    """What the browser ended on: the bot's page after the redirect, and where it went."""

    status: int
    page: str
    redirect: str  # the bot's redirect URL Slack sent the browser to (with code and state)
    cookies: dict[str, str] = field(default_factory=dict)  # what the browser was given


async def install_in_browser(
    bot_url: str, *, decision: str = "allow", http: Any = None
) -> InstallResult:
    """A person's browser: open the bot's *Add to Slack* page, follow its link to Slack's
    consent screen, allow (or cancel), and follow Slack back to the bot, carrying the state
    cookie the install page set (browsers send a Secure cookie to a local address too, which
    Python's cookie jar does not: so it is carried here by hand, and returned). `http` is an
    httpx.AsyncClient to reuse."""
    import httpx

    own = http is None
    browser = http or httpx.AsyncClient(timeout=10.0)
    jar: dict[str, str] = {}
    try:
        page = await browser.get(bot_url + "/slack/install")
        for header in page.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        found = re.search(r'<a href="([^"]+)"', page.text)
        if page.status_code != 200 or found is None:
            return InstallResult(page.status_code, page.text, "", jar)
        consent = html.unescape(found.group(1)) + f"&decision={decision}"
        back = await browser.get(consent, follow_redirects=False)
        location = back.headers.get("location", "")
        if not location:
            return InstallResult(back.status_code, back.text, "", jar)
        done = await browser.get(location, headers=cookie_header(jar))
        return InstallResult(done.status_code, done.text, location, jar)
    finally:
        if own:
            await browser.aclose()


def cookie_header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
