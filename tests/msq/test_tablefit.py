"""Fitting the results table: shorteners mark every cut, widths respect the budget."""

from __future__ import annotations

import pytest

from msq.render import fmt_number, fmt_size, parse_columns
from msq.render import tablefit as tf

LONG_ID = "Generative-Fashion-MNIST/latent_new_conditional_model"


@pytest.mark.parametrize("width", [16, 20, 24, 28, 40])
def test_shorten_id_fits_and_marks_the_cut(width: int) -> None:
    out = tf.shorten_id(LONG_ID, width)
    assert len(out) <= width
    assert "…" in out
    assert "/" in out  # project and stem stay apart


def test_shorten_id_keeps_whole_words_when_it_can() -> None:
    assert tf.shorten_id(LONG_ID, 28) == "Gene…NIST/latent_new_…_model"
    assert tf.shorten_id("mnist-diffusion/train", 40) == "mnist-diffusion/train"


def test_shorten_list_prefers_all_then_aliases_then_first_plus_n() -> None:
    assert tf.shorten_list(["cuda", "cpu"], 8) == "cuda/cpu"
    assert tf.shorten_list(["cuda", "mps", "cpu"], 8) == "cuda+2"
    assert tf.shorten_list(["latent-diffusion", "diffusion", "vae"], 11) == "ldm+2"
    assert tf.shorten_list(["tensorflow-keras"], 7) == "keras"
    assert len(tf.shorten_list(["reinforcementish"], 6)) == 6


def test_dataset_keeps_its_name_and_marks_a_dropped_class_list() -> None:
    assert tf.shorten_dataset("CIFAR-10 (cat, dog)", 18) == "CIFAR-10 (cat,dog)"
    assert tf.shorten_dataset("CIFAR-10 (cat, dog)", 10) == "CIFAR-10…"
    assert tf.shorten_dataset("CIFAR-10 (cat, dog)", 8).endswith("…")
    assert tf.shorten_dataset("Fashion-MNIST", 8) == "FMNIST"


def test_path_keeps_file_name() -> None:
    p = "~/code/Generative-CIFAR-10-Cat-Dog/ddpm_v10.py"
    assert tf.shorten_path(p, 41) == "…/Generative-CIFAR-10-Cat-Dog/ddpm_v10.py"
    assert tf.shorten_path(p, 40) == "…/ddpm_v10.py"
    assert tf.shorten_path(p, 15) == "…/ddpm_v10.py"


def test_fit_widths_shrinks_to_budget_and_not_below_minimums() -> None:
    cols = [
        tf.FitColumn("#", "#"),
        tf.FitColumn("Model ID", "ID", min_width=16, shorten=lambda c, w: tf.shorten_id(str(c), w)),
        tf.FitColumn("Arch", "Arch", min_width=8, soft_width=11, shorten=tf.shorten_list),
        tf.FitColumn("Modified", "Modified"),
    ]
    rows = [["1", LONG_ID, ["latent-diffusion", "diffusion", "vae"], "2026-01-01"]]
    widths = tf.fit_widths(cols, rows, 60, 2)
    assert sum(widths) + 2 * 3 <= 60
    assert widths[3] == 10  # dates are never cut
    # The model id keeps its width while others can still give some up.
    wide = tf.fit_widths(cols, rows, 1 + 53 + 11 + 10 + 6, 2)
    assert wide[1] == len(LONG_ID) and wide[2] == 11
    # Too small for the minimums: it stops at them rather than cutting fixed columns.
    tiny = tf.fit_widths(cols, rows, 10, 2)
    assert tiny == [1, 16, 8, 10]


def test_layout_drops_columns_in_order_when_minimums_do_not_fit() -> None:
    cols = [tf.FitColumn("Model ID", "ID", min_width=16), tf.FitColumn("Modified", "Modified")]
    rows = [[LONG_ID, "2026-01-01"]]
    lay = tf.layout(cols, rows, 20, id_index=0, drop=[1])
    assert lay.keep == [0]
    strict = tf.layout(cols, rows, 20, id_index=0, drop=[])
    assert strict.keep == [0, 1]


def test_plain_lines_have_no_box_drawing() -> None:
    cols = [tf.FitColumn("#", "#", "right"), tf.FitColumn("Model ID", "ID")]
    lines = tf.plain_lines(cols, [["1", "a/b"], ["10", "c/d"]], None)
    assert lines == [" #  Model ID", " 1  a/b", "10  c/d"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.001, "1e-3"),
        (0.01, "0.01"),
        (2e-4, "2e-4"),
        (0.00025, "2.5e-4"),
        (128, "128"),
        (0.1, "0.1"),
    ],
)
def test_learning_rates_print_as_people_write_them(value: float, text: str) -> None:
    assert fmt_number(value) == text


def test_sizes_and_columns() -> None:
    assert fmt_size(3277) == "3.2 KB"
    assert fmt_size(5 * 1024 * 1024) == "5.0 MB"
    assert parse_columns("rank, model_id,LR") == ("rank", "model_id", "lr")
    with pytest.raises(ValueError, match="unknown column 'nope'"):
        parse_columns("rank,nope")
