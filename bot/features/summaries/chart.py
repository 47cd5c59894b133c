"""The summary's chart: sessions per week with the share of pairs that met, and topic supply
against demand, as a PNG.

matplotlib's object API only (`Figure`, drawn by Agg; pyplot keeps every figure alive in a
server), imported on first use (about half a second and 55 MB, which a bot that never draws
should not pay), and drawn in a worker thread one chart at a time: the event loop keeps
answering Slack, and Agg's draw lock gives threads no speed-up anyway. Colours are Okabe-Ito's,
told apart with any colour vision, and every hidden figure is left out of the picture too."""

from __future__ import annotations

import asyncio
import io
import math
import os
import tempfile
import textwrap
import threading

from bot.domain.privacy import TOO_FEW
from bot.domain.summary import Summary, share_met

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#777777"
_ONE_AT_A_TIME = threading.Lock()


def _matplotlib_home() -> None:
    """matplotlib writes a font cache; in a read-only container it needs a writable folder."""
    if not os.environ.get("MPLCONFIGDIR"):
        os.environ["MPLCONFIGDIR"] = os.path.join(tempfile.gettempdir(), "flipside-matplotlib")


def _share_met(summary: Summary) -> list[float]:
    """Each week's share of pairs that met, or NaN (a gap in the line) under K people."""
    out = []
    for w in summary.weeks:
        shown = share_met(w.met_pairs, w.live_pairs, w.pair_people, summary.k)
        out.append(math.nan if shown.value is None else shown.value * 100)
    return out


def draw(summary: Summary) -> bytes:
    """The PNG itself (blocking: call `render` from async code)."""
    with _ONE_AT_A_TIME:
        _matplotlib_home()
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 4.5), dpi=100, layout="constrained")
        weeks_ax, topics_ax = fig.subplots(1, 2, width_ratios=(3, 2))
        labels = [w.start.strftime("%d %b") for w in summary.weeks]
        x = list(range(len(labels)))
        weeks_ax.bar(x, [w.held for w in summary.weeks], color=BLUE, label="Sessions held")
        weeks_ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
        weeks_ax.set_ylabel("Sessions held")
        weeks_ax.set_title("Sessions per week")
        share_ax = weeks_ax.twinx()
        share_ax.plot(x, _share_met(summary), color=ORANGE, marker="o", label="Pairs that met")
        share_ax.set_ylim(0, 100)
        share_ax.set_ylabel("Pairs that met (%)")
        handles = weeks_ax.get_legend_handles_labels()[0] + share_ax.get_legend_handles_labels()[0]
        weeks_ax.legend(handles=handles, loc="upper left", fontsize=8)

        topics = list(summary.demand)
        y = list(range(len(topics)))
        supply = [summary.supply.get(t) or 0 for t in topics]
        demand = [summary.demand.get(t) or 0 for t in topics]
        topics_ax.barh([i + 0.2 for i in y], supply, height=0.4, color=GREEN, label="Can share")
        topics_ax.barh(
            [i - 0.2 for i in y], demand, height=0.4, color=ORANGE, label="Want to learn"
        )
        for i, t in enumerate(topics):
            for offset, cells in ((0.2, summary.supply), (-0.2, summary.demand)):
                if cells.get(t) is None:
                    topics_ax.text(0.1, i + offset, TOO_FEW, va="center", fontsize=7, color=GREY)
        topics_ax.set_yticks(y, [textwrap.fill(t, 22) for t in topics], fontsize=8)
        topics_ax.invert_yaxis()
        topics_ax.set_xlabel("People")
        topics_ax.set_title("Topics on offer and in demand")
        topics_ax.legend(loc="lower right", fontsize=8)
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()


async def render(summary: Summary) -> bytes:
    return await asyncio.to_thread(draw, summary)


def alt_text(summary: Summary) -> str:
    """What the chart shows, in words, for a screen reader (Slack's `alt_txt`)."""
    held = ", ".join(f"{w.start:%d %b} {w.held}" for w in summary.weeks[-6:])
    gap = "; ".join(t for t, _, _ in summary.gap[:5]) or "none shown"
    text = (
        f"Bar chart of sessions held per week (latest weeks: {held}), with a line for the share "
        f"of pairs that met where at least {summary.k} people are behind it; and bars of how "
        f"many people can share and want to learn each topic. Topics with more learners than "
        f"sharers: {gap}."
    )
    return text[:1000]
