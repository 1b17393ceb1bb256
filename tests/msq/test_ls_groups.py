"""``msq ls`` groups a project's parts under its entry points."""

from __future__ import annotations

from msq.cli.ls_groups import group_cards
from msq.types import Card


def _card(path: str, role: str, project: str = "gans", language: str = "py") -> Card:
    return Card(
        model_id=path.rsplit(".", 1)[0],
        path=f"/w/{path}",
        project=project,
        role=role,
        language=language,
    )


def test_parts_go_under_the_nearest_entry_point_of_their_project() -> None:
    cards = [
        _card("gans/cyclegan/datasets.py", "data"),
        _card("gans/cyclegan/cyclegan.py", "train"),
        _card("gans/cyclegan/models/nets.py", "model"),
        _card("gans/cyclegan/utils.py", "util"),
        _card("gans/dcgan/dcgan.ipynb", "", language="ipynb"),  # a notebook is an entry point
        _card("gans/dcgan/ops.py", "util"),
        _card("gans/tools/plot.py", "util"),  # no entry point above it
        _card("other/train.py", "train", project="other"),
    ]
    got = [(c.model_id, part) for c, part in group_cards(cards)]
    assert got == [
        ("gans/cyclegan/cyclegan", False),
        ("gans/cyclegan/datasets", True),
        ("gans/cyclegan/models/nets", True),
        ("gans/cyclegan/utils", True),
        ("gans/dcgan/dcgan", False),
        ("gans/dcgan/ops", True),
        ("gans/tools/plot", False),
        ("other/train", False),
    ]


def test_a_project_without_entry_points_keeps_its_order() -> None:
    cards = [_card("lib/a.py", "library", "lib"), _card("lib/b.py", "util", "lib")]
    assert [c for c, _ in group_cards(cards)] == cards
    assert not any(part for _, part in group_cards(cards))
