"""Scenes: the admin runs a matching round, reviews the proposal, approves it; one pair's
introduction and one unmatched person's message."""

from __future__ import annotations

from bot.demo.run import Demo
from bot.demo.steps import outbox_settled
from bot.kit.ids import Action, Field, View
from bot.sandbox.records import PostedMessage, SeenEvent

PRIYA, MAYA = "U01PRIYA", "U01MAYA"
ADMIN_CHANNEL = "C0ADMINS"


async def priya_sets_up_the_admin_channel(demo: Demo) -> None:
    demo.show.scene(
        "Priya sets up the program",
        "Proposals and summaries should land in the private #flipside-admins channel, and "
        "pairs should cross departments where possible.",
    )
    demo.show.action(PRIYA, "types `/mentor admin settings`, picks #flipside-admins, clicks Save")
    await demo.slack.command(PRIYA, "admin settings", channel_id=ADMIN_CHANNEL)

    def settings_open() -> bool:
        top = demo.standin.top_view(PRIYA)
        return top is not None and top.view.get("callback_id") == View.SETTINGS

    await demo.standin.wait_for(settings_open)
    await demo.slack.submit(PRIYA, values={Field.ADMIN_CHANNEL: ADMIN_CHANNEL})
    await demo.standin.settle()
    demo.show.skip()
    demo.show.note("Saved: proposals will be posted in #flipside-admins.")


async def a_matching_round(demo: Demo) -> None:
    demo.show.scene(
        "The first matching round",
        "Priya asks for a round. The bot answers at once, computes the best pairs for the whole "
        "group in the background, and posts its proposal for her to review: every pair with "
        "its score and reasons, and everyone left out, grouped by why.",
    )
    demo.show.action(PRIYA, "types `/mentor admin match` in #flipside-admins")
    before = len(_proposals(demo))
    await demo.slack.command(PRIYA, "admin match", channel_id=ADMIN_CHANNEL)
    await demo.standin.wait_for(lambda: len(_proposals(demo)) > before, within=30)
    await demo.standin.settle()


async def priya_approves(demo: Demo) -> None:
    demo.show.scene(
        "Approved: the introductions go out",
        "Priya clicks Approve (twice, by accident: the second click changes nothing). Each pair "
        "gets a group conversation with both people and the bot; everyone left out gets a "
        "message that says why, in plain words, and what happens next.",
    )
    proposal = _proposals(demo)[-1]
    demo.show.action(PRIYA, "clicks [Approve], then [Approve] again")
    for _ in range(2):
        await demo.slack.click(
            PRIYA, Action.ROUND_APPROVE, channel_id=ADMIN_CHANNEL, message_ts=proposal.ts
        )
    await outbox_settled(demo)
    await demo.standin.settle()
    events = demo.standin.timeline[demo.show.mark :]
    intro = next((e for e in events if (e.channel or "").startswith("G")), None)
    alone = next((e for e in events if _is_unmatched_dm(e)), None)
    updated = [e for e in events if e.channel == ADMIN_CHANNEL or e.kind == "ephemeral"][-2:]
    demo.show.flush_events([*updated, *(e for e in (intro, alone) if e is not None)])
    groups = {e.channel for e in events if (e.channel or "").startswith("G")}
    demo.show.note(
        f"{len(groups)} introductions went out, one per pair; the others look like the one above."
    )


async def mayas_home_shows_her_partner(demo: Demo) -> None:
    demo.show.scene(
        "Maya's Home tab after the introduction",
        "Her partner, who shares what with whom, and a quiet way to end the pairing if it "
        "doesn't work out.",
    )
    demo.show.action(MAYA, "opens the Home tab")
    await demo.slack.app_home_opened(MAYA)
    await demo.standin.settle()


def _is_unmatched_dm(event: SeenEvent) -> bool:
    return (event.channel or "").startswith("D") and "next round" in event.text.lower()


def _proposals(demo: Demo) -> list[PostedMessage]:
    return [
        m
        for m in demo.standin.messages_in(ADMIN_CHANNEL, include_ephemeral=False)
        if "Matching round" in m.text
    ]


SCENES = [
    priya_sets_up_the_admin_channel,
    a_matching_round,
    priya_approves,
    mayas_home_shows_her_partner,
]
