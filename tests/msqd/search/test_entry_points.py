"""Within a project, entry points go ahead of the helpers that hold no more of the question."""

from __future__ import annotations

from msqd.search.score import Judged, entry_points_first

# slot -> (project, role, name cover)
ROWS = {
    1: ("lht", "model", 0.7),
    2: ("lht", "util", 0.7),
    3: ("other", "train", 0.3),
    4: ("lht", "train", 0.7),
    5: ("lht", "util", 1.0),
}


def _order(slots: list[int]) -> list[int]:
    judged = [Judged(s, 10.0 - i, True, 0.5, 0.0) for i, s in enumerate(slots)]
    got = entry_points_first(
        judged, lambda s: ROWS[s][0], lambda s: ROWS[s][1], lambda s: ROWS[s][2]
    )
    return [j.slot for j in got]


def test_the_entry_point_moves_ahead_of_its_projects_helpers() -> None:
    # Other projects keep their places (3 stays third).
    assert _order([1, 2, 3, 4]) == [4, 1, 3, 2]


def test_a_helper_that_holds_more_of_the_names_stays_ahead() -> None:
    # "instantiators": the helper named by the question keeps its lead.
    assert _order([5, 4, 1]) == [5, 4, 1]


def test_rows_without_a_project_and_single_rows_are_untouched() -> None:
    assert _order([3]) == [3]


def test_explain_says_why_an_entry_point_prints_above_a_higher_score() -> None:
    judged = [Judged(s, 10.0 - i, True, 0.5, 0.0, why=["dense"]) for i, s in enumerate([1, 4])]
    got = entry_points_first(
        judged, lambda s: ROWS[s][0], lambda s: ROWS[s][1], lambda s: ROWS[s][2]
    )
    assert [j.slot for j in got] == [4, 1]
    assert any("entry point first" in w and "10.00" in w for w in got[0].why), got[0].why
    assert not any("entry point first" in w for w in got[1].why)
    # Without --explain (no reasons collected) nothing is added.
    plain = [Judged(s, 10.0 - i, True, 0.5, 0.0) for i, s in enumerate([1, 4])]
    got = entry_points_first(
        plain, lambda s: ROWS[s][0], lambda s: ROWS[s][1], lambda s: ROWS[s][2]
    )
    assert all(not j.why for j in got)
