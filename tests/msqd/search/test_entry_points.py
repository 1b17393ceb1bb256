"""Within a project, entry points go ahead of the helpers that hold no more of the question."""

from __future__ import annotations

from msqd.search.score import CLOSE_COVER, Judged, closest_rows, entry_points_first

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


def test_closest_rows_are_those_near_the_best_cover_in_rank_order() -> None:
    # Ranked by score: a training script whose names hold "image captioning" (0.41),
    # an unrelated row, and the notebook whose name holds a little more (0.47).
    judged = [
        Judged(1, 2.3, False, 0.74, 9.0, cover=0.41),
        Judged(2, 1.4, False, 0.83, 2.0, cover=0.09),
        Judged(3, 1.2, False, 0.95, 10.0, cover=0.47),
        Judged(4, 1.1, False, 0.88, 11.0, cover=0.41),
    ]
    assert [j.slot for j in closest_rows(judged, 3)] == [1, 3, 4]
    assert [j.slot for j in closest_rows(judged, 2)] == [1, 3]


def test_no_closest_rows_when_no_row_holds_enough_of_the_question() -> None:
    # "point cloud segmentation pointnet": the best row holds 44%, under CLOSE_COVER.
    judged = [Judged(1, 2.0, False, 0.8, 5.0, cover=0.44), Judged(2, 1.0, False, 0.9, 1.0)]
    assert CLOSE_COVER > 0.44 and closest_rows(judged, 3) == []
