"""The minimum group size for what admins see, and complementary suppression."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.privacy import TOO_FEW, breakdown, figure, trend


def test_a_figure_about_fewer_than_k_people_is_hidden() -> None:
    assert figure(4.5, 4, 5).text() == TOO_FEW
    assert figure(4.5, 5, 5).text() == "4.5"


def test_no_trend_when_either_period_is_under_k() -> None:
    assert trend(figure(4.0, 9, 5), figure(3.0, 4, 5)) is None
    assert trend(figure(4.0, 9, 5), figure(3.0, 6, 5)) == 1.0


@given(
    cells=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1),
    k=st.integers(3, 25),
)
def test_no_hidden_cell_can_be_recovered_by_subtraction(cells: dict[str, int], k: int) -> None:
    shown = breakdown(cells, k)
    hidden = [c for c, n in shown.items() if n is None and cells[c] > 0]
    assert all(shown[c] is None for c, n in cells.items() if 0 < n < k)
    # One hidden cell beside shown ones would be the total minus the rest; alone, the total is
    # that cell, under K, and hidden itself.
    assert len(hidden) != 1 or not any(shown.values())
