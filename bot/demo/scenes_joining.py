"""Scenes: people join with varied profiles; one edits, one pauses, one leaves; two Homes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.demo.run import Demo
from bot.demo.steps import outbox_settled
from bot.kit.ids import View

PRIYA, MAYA, DANIEL, LUCAS = "U01PRIYA", "U01MAYA", "U01DANIEL", "U01LUCAS"
HELEN, JAMAL, KLAUS = "U01HELEN", "U01JAMAL", "U01KLAUS"


@dataclass(frozen=True)
class Answers:
    role: str
    level: str
    department: str
    share: tuple[str, ...] = ()
    learn: tuple[str, ...] = ()
    goals: str = ""
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    capacity: str = "1"
    blocked: tuple[str, ...] = field(default_factory=tuple)


AI, TRENDS, SOCIAL = "AI and new tools", "Digital trends", "Social media"
DEI, CULTURE, CAREER = (
    "Diversity and inclusion",
    "Modern work culture",
    "Leadership and career insight",
)

PEOPLE: dict[str, Answers] = {
    MAYA: Answers(
        "share",
        "Early career",
        "Data",
        share=(AI, SOCIAL),
        days=("tue", "thu"),
        times=("morning",),
        goals="Show leaders what AI assistants really do for "
        "analysts, and learn how decisions get made upstairs.",
    ),
    "U01GRACE": Answers("learn", "Executive", "Technology", learn=(SOCIAL, CULTURE)),
    JAMAL: Answers("share", "Early career", "Customer Support", share=(SOCIAL, DEI)),
    LUCAS: Answers(
        "both", "Mid-level", "Engineering", share=(AI,), learn=(CAREER,), days=("mon", "wed")
    ),
    HELEN: Answers("learn", "Director", "Sales", learn=(SOCIAL, TRENDS)),
    KLAUS: Answers("learn", "Director", "Engineering", learn=(AI, CULTURE), blocked=(LUCAS,)),
    "U01LENA": Answers("share", "Early career", "Design", share=(TRENDS, CULTURE)),
    "U01ARJUN": Answers("learn", "Manager", "Engineering", learn=(DEI,)),
    "U01ANANYA": Answers("share", "Early career", "Marketing", share=(SOCIAL, TRENDS)),
    "U01WEILING": Answers("learn", "Director", "Finance", learn=(AI,), times=("midday",)),
}


def _options(view: dict[str, Any], block_id: str) -> dict[str, str]:
    """label -> value of a select's options in the modal the bot opened."""
    for block in view["blocks"]:
        if block.get("block_id") == block_id:
            return {o["text"]["text"]: o["value"] for o in block["element"].get("options", [])}
    return {}


async def _open_profile(demo: Demo, user: str, text: str = "join") -> dict[str, Any]:
    await demo.slack.command(user, text)

    def profile_open() -> bool:
        top = demo.standin.top_view(user)
        return top is not None and top.view.get("callback_id") == View.PROFILE

    await demo.standin.wait_for(profile_open)
    return demo.standin.open_views(user)[-1].view


def _values(view: dict[str, Any], a: Answers, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    topics = _options(view, "share_topics")
    values: dict[str, Any] = {
        "role": a.role,
        "level": _options(view, "level")[a.level],
        "department": a.department,
        "share_topics": [topics[t] for t in a.share],
        "learn_topics": [topics[t] for t in a.learn],
        "goals": a.goals,
        "days": list(a.days),
        "times": list(a.times),
        "capacity": a.capacity,
        "blocked": list(a.blocked),
    }
    return {k: v for k, v in values.items() if k not in skip}


async def joining(demo: Demo) -> None:
    demo.show.scene(
        "Maya opts in",
        "Maya types `/mentor join`. Her name, title and time zone come from Slack; she says "
        "what she can share and when she is free.",
    )
    demo.show.action(MAYA, "types `/mentor join`")
    view = await _open_profile(demo, MAYA)
    demo.show.action(
        MAYA, "picks “share”, Early career, Data, AI and social media, and clicks Join"
    )
    await demo.slack.submit(MAYA, values=_values(view, PEOPLE[MAYA]))
    await outbox_settled(demo)
    await demo.standin.settle()


async def a_leader_gets_it_wrong_first(demo: Demo) -> None:
    demo.show.scene(
        "A form that explains itself",
        "Daniel, the COO, wants to learn but forgets to say what. The form tells him right "
        "where the problem is and keeps everything he typed.",
    )
    daniel = Answers(
        "learn",
        "Executive",
        "Operations",
        learn=(AI, TRENDS),
        goals="Understand how our teams really use AI day to day.",
    )
    view = await _open_profile(demo, DANIEL)
    demo.show.skip()
    demo.show.action(DANIEL, "chooses “learn” but no topics, and clicks Join")
    first = await demo.slack.submit(DANIEL, values=_values(view, daniel, skip=("learn_topics",)))
    demo.show.inline_errors(DANIEL, first.errors)
    demo.show.action(DANIEL, "adds AI and new tools and Digital trends, and clicks Join")
    await demo.slack.submit(DANIEL, values=_values(view, daniel))
    await outbox_settled(demo)
    await demo.standin.settle()
    demo.show.skip()
    demo.show.note("Saved. Daniel got the same kind of confirmation as Maya.")


async def everyone_else_joins(demo: Demo) -> None:
    demo.show.scene(
        "The rest of the pilot group joins",
        "Nine more colleagues opt in over the morning, across six time zones. Klaus lists "
        "one of his own reports as someone he must not be paired with: only he will ever see "
        "that.",
    )
    for user, answers in PEOPLE.items():
        if user == MAYA:
            continue
        view = await _open_profile(demo, user)
        await demo.slack.submit(user, values=_values(view, answers))
    await outbox_settled(demo)
    await demo.standin.settle()
    demo.show.skip()
    names = demo.standin.workspace.names()
    joined = ", ".join(names[u] for u in PEOPLE if u != MAYA)
    demo.show.note(f"Joined and confirmed by DM: {joined}.")


async def lucas_edits(demo: Demo) -> None:
    demo.show.scene("Lucas changes his mind", "Lucas can take a second partner after all.")
    demo.show.action(LUCAS, "types `/mentor profile`: the same form opens, filled in")
    view = await _open_profile(demo, LUCAS, "profile")
    demo.show.skip()
    demo.show.action(LUCAS, "sets “How many partners I can take” to 2 and clicks Save")
    answers = PEOPLE[LUCAS]
    await demo.slack.submit(LUCAS, values={**_values(view, answers), "capacity": "2"})
    await outbox_settled(demo)
    await demo.standin.settle()
    _only_messages(demo)


async def helen_pauses(demo: Demo) -> None:
    demo.show.scene("Helen takes a break", "Quarter-end is coming for the sales team.")
    demo.show.action(HELEN, "types `/mentor pause for 3 weeks`")
    await demo.slack.command(HELEN, "pause for 3 weeks")
    await outbox_settled(demo)
    await demo.standin.settle()
    _only_messages(demo)


async def jamal_leaves(demo: Demo) -> None:
    demo.show.scene("Jamal leaves", "Jamal is moving to another company and asks to leave.")
    demo.show.action(JAMAL, "types `/mentor leave`")
    await demo.slack.command(JAMAL, "leave")
    await demo.standin.wait_for(lambda: bool(demo.standin.open_views(JAMAL)))
    demo.show.action(JAMAL, "clicks [Leave and erase]")
    await demo.slack.submit(JAMAL)
    await outbox_settled(demo)
    await demo.standin.settle()
    _only_messages(demo)


async def two_homes(demo: Demo) -> None:
    demo.show.scene(
        "Two Home tabs",
        "Maya's own page, and Priya's, who runs the program and sees it at a glance: who takes "
        "part and who waits for a match, never anyone's private lists.",
    )
    for user in (MAYA, PRIYA):
        demo.show.action(user, "opens the Home tab")
        await demo.slack.app_home_opened(user)
        await demo.standin.settle()


def _only_messages(demo: Demo) -> None:
    """Show what people were told, not the Home refresh that follows every change."""
    timeline = demo.standin.timeline
    start = demo.show.mark
    keep = [e for e in timeline[start:] if e.kind != "home"]
    demo.show.flush_events(keep)


SCENES = [
    joining,
    a_leader_gets_it_wrong_first,
    everyone_else_joins,
    lucas_edits,
    helen_pauses,
    jamal_leaves,
    two_homes,
]
