"""What an admin may see of a figure: nothing about fewer than K people. Pure: no I/O.

Counts are of distinct people, never of answers. When one cell of a breakdown is hidden, the
next smallest is hidden too, so that no hidden cell can be recovered by subtracting the shown
ones from a total; a trend needs both periods at K or more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

K_DEFAULT, K_MIN, K_MAX = 5, 3, 25
TOO_FEW = "too few to show"


@dataclass(frozen=True)
class Shown:
    """A figure as an admin may read it: its value, or hidden."""

    value: float | None  # None: hidden
    people: int

    @property
    def hidden(self) -> bool:
        return self.value is None

    def text(self, fmt: str = "{:g}") -> str:
        return TOO_FEW if self.value is None else fmt.format(self.value)


def figure(value: float, people: int, k: int) -> Shown:
    """A figure about `people` distinct people: hidden under K."""
    return Shown(value if people >= k else None, people)


def breakdown(cells: Mapping[str, int], k: int) -> dict[str, int | None]:
    """Counts of people by category, with every cell under K hidden, and when any is hidden,
    the smallest shown one too (complementary suppression): a total minus the shown cells
    never gives a hidden one."""
    shown: dict[str, int | None] = {c: (n if n >= k else None) for c, n in cells.items()}
    hidden = [c for c, n in shown.items() if n is None and cells[c] > 0]
    if len(hidden) == 1:
        visible = sorted((n, c) for c, n in shown.items() if n)  # a zero protects nobody
        if visible:
            shown[visible[0][1]] = None
    return shown


def trend(now: Shown, before: Shown) -> float | None:
    """The change against the previous period, only when both are shown."""
    if now.value is None or before.value is None:
        return None
    return now.value - before.value
