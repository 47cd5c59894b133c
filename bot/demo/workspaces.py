"""`mentor-bot demo --many-workspaces`: the bot installed in two companies through Slack's OAuth
flow, with the stand-in playing both workspaces (the same people's ids in each), each served
with its own token; an install link used twice; one company uninstalling."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import httpx

from bot.demo.transcript import Transcript
from bot.platform.clock import SystemClock
from bot.platform.config import load_settings
from bot.platform.local import LocalServer
from bot.platform.logs import configure_logging
from bot.platform.runtime import Runtime
from bot.sandbox import SlackDriver, SlackStandIn, demo_workspace
from bot.sandbox.federation import SlackFederation
from bot.sandbox.oauth import cookie_header, install_in_browser

SIGNING_SECRET = "demo-signing-secret"
PRIYA, MAYA = "U01PRIYA", "U01MAYA"


def _beta() -> SlackStandIn:
    workspace = demo_workspace()
    workspace.team_id, workspace.team_name, workspace.domain = "T0BETA", "Beta Ltd", "beta"
    return SlackStandIn(workspace, bot_token="xoxb-unused")


def _page_title(page: str) -> str:
    start = page.find("<h1>")
    return page[start + 4 : page.find("</h1>")] if start >= 0 else page[:80]


async def run_many_workspaces(*, quiet: bool = False) -> int:
    configure_logging("ERROR")
    lines: list[str] = []
    write = lines.append if quiet else print
    clock = SystemClock()
    with tempfile.TemporaryDirectory(prefix="flipside-demo-") as tmp:
        async with SlackStandIn(demo_workspace()) as acme, _beta() as beta:
            for one in (acme, beta):
                one.tokens.clear()  # no bot token in the settings: only installations work
            async with SlackFederation(acme, beta) as slack_front:
                settings = load_settings(
                    {
                        "SLACK_CLIENT_ID": acme.oauth.client_id,
                        "SLACK_CLIENT_SECRET": acme.oauth.client_secret,
                        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                        "SLACK_API_URL": slack_front.api_url,
                        "SLACK_AUTHORIZE_URL": slack_front.authorize_url,
                        "DATABASE_URL": f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}",
                        "OUTBOX_DISPATCH_INTERVAL": "0.2",
                    },
                    env_file=None,
                )
                runtime = Runtime.build(settings, clock=clock)
                await runtime.migrate()
                try:
                    async with LocalServer(runtime) as bot:
                        for one in (acme, beta):
                            one.oauth.redirect_uri = bot.url + "/slack/oauth_redirect"
                        shows = {
                            acme: Transcript(acme, write=write),
                            beta: Transcript(beta, write=write),
                        }
                        await _scenes(bot, slack_front, shows, write)
                finally:
                    await runtime.close()
    print("Demo finished: two workspaces installed and served apart; one uninstalled.")
    logging.shutdown()
    return 0


async def _scenes(
    bot: LocalServer,
    front: SlackFederation,
    shows: dict[SlackStandIn, Transcript],
    write: object,
) -> None:
    acme, beta = list(shows)
    show = shows[acme]
    show.title("Flipside demo: one bot, many workspaces (Slack's OAuth install)")
    for one in (acme, beta):
        name = one.workspace.team_name
        show.scene(
            f"{name} installs Flipside",
            f"{name}'s admin opens {bot.url}/slack/install, clicks Add to Slack and allows it on "
            "Slack's consent screen; Slack sends the browser back with a one-time code, which "
            "the bot exchanges (oauth.v2.access) for a bot token of its own for that workspace, "
            "kept in the database.",
        )
        front.choose(one)
        done = await install_in_browser(bot.url)
        show.note(f"The browser ended on: “{_page_title(done.page)}”.")
    show.scene(
        "Maya asks for help in both companies",
        "The same Slack user id (U01MAYA) in two workspaces is two different people: each "
        "request is authorized by its workspace, and each answer goes out with that "
        "workspace's own token.",
    )
    for one, transcript in shows.items():
        async with SlackDriver(one, bot.events_url, SIGNING_SECRET) as slack:
            transcript.action(MAYA, f"types `/mentor help` in {one.workspace.team_name}")
            await slack.command(MAYA, "help")
            await bot.runtime.settle()
            await one.settle()
            transcript.flush()
    show.scene(
        "An install link used twice",
        "Each link's state is good once, for ten minutes, in the browser that opened it.",
    )
    async with httpx.AsyncClient(timeout=10) as browser:
        front.choose(acme)
        done = await install_in_browser(bot.url, http=browser)
        again = await browser.get(done.redirect, headers=cookie_header(done.cookies))
        show.note(
            f"Opening the same redirect again: {again.status_code}, “{_page_title(again.text)}”."
        )
    show.scene(
        "Beta Ltd uninstalls Flipside",
        "Slack sends app_uninstalled: every message still on its way to Beta is cancelled at "
        "once, its installation is removed, and its program data is erased after "
        "UNINSTALL_KEEP_DAYS (30). Acme goes on as before.",
    )
    beta.oauth.revoke_all()
    async with SlackDriver(beta, bot.events_url, SIGNING_SECRET) as slack:
        await slack.event({"type": "app_uninstalled"})
    await bot.runtime.settle()
    async with SlackDriver(acme, bot.events_url, SIGNING_SECRET) as slack:
        shows[acme].action(MAYA, "types `/mentor help` in Acme Corp again")
        await slack.command(MAYA, "help")
        await bot.runtime.settle()
        await acme.settle()
    shows[acme].flush()
