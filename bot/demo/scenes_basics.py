"""Scenes: asking for help, a mistyped command, the Home tab, a DM, forged requests."""

from __future__ import annotations

import time

from bot.demo.run import Demo

MAYA, DANIEL, PRIYA, LUCAS = "U01MAYA", "U01DANIEL", "U01PRIYA", "U01LUCAS"


async def asking_for_help(demo: Demo) -> None:
    demo.show.scene(
        "People ask what Flipside does",
        "Maya, a junior data analyst in New York, heard about the program at the all-hands and "
        "types the command from a channel.",
    )
    demo.show.action(MAYA, "types `/mentor help`")
    await demo.slack.command(MAYA, "help")


async def a_mistyped_command(demo: Demo) -> None:
    demo.show.scene(
        "A mistyped command",
        "Daniel, the COO, is in a hurry and mistypes. Nobody else sees the mistake, and the "
        "bot points him the right way.",
    )
    demo.show.action(DANIEL, "types `/mentor hlep`")
    await demo.slack.command(DANIEL, "hlep")


async def the_home_tab(demo: Demo) -> None:
    demo.show.scene("The Home tab", "Lucas opens Flipside's Home tab in Slack.")
    demo.show.action(LUCAS, "opens the Home tab")
    await demo.slack.app_home_opened(LUCAS)
    await demo.standin.wait_for(lambda: LUCAS in demo.standin.home_views)
    demo.show.action(LUCAS, "clicks [ Show commands ]")
    await demo.slack.click(LUCAS, "home_help", view_id=demo.standin.home_views[LUCAS]["id"])
    await demo.standin.wait_for(lambda: bool(demo.standin.open_views(LUCAS)))
    demo.show.action(LUCAS, "reads it and closes the window")
    await demo.slack.close(LUCAS)


async def a_direct_message(demo: Demo) -> None:
    demo.show.scene("A direct message", "Priya writes to the bot in its Messages tab.")
    demo.show.action(PRIYA, 'writes "hi, how do I start?"')
    channel = demo.standin.open_dm(PRIYA)
    before = len(demo.standin.calls_to("chat.postMessage"))
    await demo.slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": PRIYA,
            "text": "hi, how do I start?",
            "ts": f"{time.time():.6f}",
        }
    )
    await demo.standin.wait_for(lambda: len(demo.standin.calls_to("chat.postMessage")) > before)


async def forged_requests(demo: Demo) -> None:
    demo.show.scene(
        "Only Slack can talk to the bot",
        "Someone posts a made-up request to the bot's address."
        if demo.socket_mode
        else "Someone replays a captured request with a bad signature, then an old one.",
    )
    if demo.socket_mode:
        await _no_http_door(demo)
        return
    forged = await demo.slack.command(MAYA, "help", signature="v0=" + "0" * 64)
    stale = await demo.slack.command(MAYA, "help", timestamp=int(time.time()) - 600)
    demo.show.note(
        f"Forged signature answered {forged.status}, ten-minute-old request answered "
        f"{stale.status}; neither reached the bot."
    )


async def _no_http_door(demo: Demo) -> None:
    """In Socket Mode Slack's requests come over the connection the bot opened with its app
    token; the HTTP side answers /healthz and nothing else."""
    body = b"command=%2Fmentor&text=help"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Signature": "v0=0"}
    posted = await demo.slack.raw(body, headers)
    demo.show.note(
        f"In Socket Mode a POST to /slack/events answered {posted.status}: there is no HTTP door "
        "for Slack's requests; they come over the bot's own connection, opened with its app token."
    )


async def slack_rotates_the_connection(demo: Demo) -> None:
    """Socket Mode only: Slack asks the bot to reconnect, then the network drops."""
    if not demo.socket_mode:
        return
    demo.show.scene(
        "Slack rotates the connection, then the network drops",
        "Slack sends `disconnect` (refresh_requested) from time to time; the bot opens a new "
        "connection. A dropped connection is noticed and reopened too, and a request Slack "
        "could not deliver meanwhile is delivered again: answered once.",
    )
    opened = demo.standin.socket.opened
    await demo.standin.socket.disconnect("refresh_requested")
    await demo.standin.wait_for(lambda: demo.standin.socket.opened > opened, within=15)
    demo.standin.socket.drop()
    demo.show.action(MAYA, "types `/mentor help` while the bot is reconnecting")
    await demo.slack.command(MAYA, "help")
    demo.show.note(f"Connections opened so far: {demo.standin.socket.opened}.")
