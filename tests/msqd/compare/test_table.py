"""The difference table, asserted cell by cell on realistic hand-built cards."""

from __future__ import annotations

import pytest

from msqd.compare.render import format_number, format_ratio
from msqd.compare.table import build_table

from .cards import cifar_ddpm, fashion_ldm, mnist_ddpm

CIFAR = "Generative-CIFAR-10-Cat-Dog/v10"
MNIST = "Generative-MNIST/ddpm_mnist"
FASHION = "Generative-Fashion-MNIST/latent_new_conditional_model"


def _rows(table):
    return {r.field: (r.cells, r.differs, r.deltas) for r in table.rows}


def test_two_diffusion_models_table_exact():
    table = build_table([(cifar_ddpm(), 0), (mnist_ddpm(), 1)])
    assert [(c.model_id, c.side, c.path) for c in table.columns] == [
        (CIFAR, 0, "/home/u/Generative-CIFAR-10-Cat-Dog/v10.py"),
        (MNIST, 1, "/home/u/Generative-MNIST/ddpm_mnist.py"),
    ]
    assert table.baseline == ""
    assert [r.field for r in table.rows] == [
        "framework", "arch_family", "conditional", "components", "dataset", "image_size",
        "batch_size", "learning_rate", "optimizer", "scheduler", "epochs", "loss", "timesteps",
        "beta_schedule", "device", "size", "modified",
    ]  # fmt: skip
    rows = _rows(table)
    assert rows["framework"] == (["pytorch", "pytorch"], False, [])
    assert rows["conditional"] == (["no", "no"], False, [])
    assert rows["components"][0] == [
        "UNet(Conv2d x2, Linear x2); ResBlock(Conv2d x2, GroupNorm x2, Linear x1); "
        "AttnBlock(GroupNorm x1, MultiheadAttention x1)",
        "SimpleUNet(Conv2d x6, BatchNorm2d x4, ConvTranspose2d x2, Linear x1)",
    ]
    assert rows["dataset"] == (["CIFAR-10 (cat, dog)", "MNIST"], True, [])
    assert rows["learning_rate"] == (["2e-4", "1e-3"], True, [])
    assert rows["optimizer"] == (["Adam", "Adam"], False, [])
    assert rows["scheduler"] == (["CosineAnnealingLR", "—"], True, [])
    assert rows["timesteps"] == (["1000", "500"], True, [])
    assert rows["beta_schedule"] == (["cosine", "linear"], True, [])
    assert rows["device"] == (["cuda, mps, cpu", "cuda, cpu"], True, [])
    assert rows["size"] == (["18.0 KB", "9.0 KB"], True, [])
    assert rows["modified"] == (["2024-03-15", "2024-01-10"], True, [])
    lr = table.row("learning_rate")
    assert lr.label == "Learning rate"
    assert lr.values == [2e-4, 1e-3]
    assert table.row("components").values[1] == [
        {
            "name": "SimpleUNet",
            "base": "nn.Module",
            "layers": {"Conv2d": 6, "BatchNorm2d": 4, "ConvTranspose2d": 2, "Linear": 1},
        }
    ]


def test_baseline_deltas():
    table = build_table([(cifar_ddpm(), 0), (mnist_ddpm(), 1)], baseline=MNIST)
    assert table.baseline == MNIST
    rows = _rows(table)
    assert rows["learning_rate"][2] == ["/5", ""]
    assert rows["epochs"][2] == ["+200", ""]
    assert rows["batch_size"][2] == ["+64", ""]
    assert rows["image_size"][2] == ["+4", ""]
    assert rows["timesteps"][2] == ["+500", ""]
    assert rows["optimizer"][2] == ["", ""]
    assert rows["beta_schedule"][2] == ["cosine", ""]
    assert rows["device"][2] == ["+mps", ""]
    assert rows["scheduler"][2] == ["CosineAnnealingLR", ""]
    assert rows["size"][2] == ["+9.0 KB", ""]
    assert rows["modified"][2] == ["+65 d", ""]
    assert rows["components"][2][0] == (
        # Conv2d and Linear are in both, so they are neither added nor removed.
        "+UNet, +ResBlock, +GroupNorm, +AttnBlock, +MultiheadAttention, "
        "-SimpleUNet, -BatchNorm2d, -ConvTranspose2d"
    )
    other = build_table([(cifar_ddpm(), 0), (mnist_ddpm(), 1)], baseline=CIFAR)
    o = _rows(other)
    assert o["learning_rate"][2] == ["", "x5"]
    assert o["batch_size"][2] == ["", "-64"]
    assert o["epochs"][2] == ["", "-200"]
    assert o["scheduler"][2] == ["", "(none)"]
    assert o["device"][2] == ["", "-mps"]


def test_three_columns_optional_rows_and_alternatives():
    table = build_table([(cifar_ddpm(), 0), (mnist_ddpm(), 1), (fashion_ldm(), 1)])
    rows = _rows(table)
    # weight_decay appears because one model sets it; seed/mixed precision do not.
    assert "weight_decay" in rows and "seed" not in rows and "mixed_precision" not in rows
    assert rows["weight_decay"] == (["—", "—", "0.01"], True, [])
    assert rows["optimizer"] == (["Adam", "Adam", "AdamW (also Adam)"], True, [])
    assert rows["conditional"] == (["no", "no", "yes"], True, [])
    assert rows["arch_family"] == (["diffusion", "diffusion", "latent-diffusion"], True, [])
    assert rows["loss"] == (["MSELoss", "MSELoss", "MSELoss, CrossEntropyLoss"], True, [])
    assert table.row("optimizer").values[2] == {"value": "AdamW", "alternatives": ["Adam"]}


def test_diff_only_hides_equal_rows():
    table = build_table([(cifar_ddpm(), 0), (mnist_ddpm(), 1)])
    shown = [r.field for r in table.diff_only().rows]
    assert "optimizer" not in shown and "framework" not in shown and "loss" not in shown
    assert shown[:3] == ["components", "dataset", "image_size"]
    assert len(table.rows) == 17  # the full table is untouched


def test_identical_cards_differ_nowhere():
    a, b = mnist_ddpm(), mnist_ddpm()
    b.model_id = "Copy/ddpm_mnist"
    table = build_table([(a, 0), (b, 1)])
    assert table.diff_only().rows == []


def test_unknown_baseline_is_an_error():
    with pytest.raises(ValueError, match="not among the compared models"):
        build_table([(cifar_ddpm(), 0), (mnist_ddpm(), 1)], baseline="nope/x")


@pytest.mark.parametrize(
    ("value", "text"),
    [(2e-4, "2e-4"), (1e-3, "1e-3"), (0.01, "0.01"), (0.1, "0.1"), (2.5e-4, "2.5e-4"),
     (3e-05, "3e-5"), (128, "128"), (100.0, "100"), (1.5, "1.5"), (0.05, "0.05")],
)  # fmt: skip
def test_numbers_render_like_people_write_them(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("base", "other", "text"),
    [(2e-4, 1e-3, "x5"), (1e-3, 2e-4, "/5"), (1e-4, 0.0, ""), (0.0, 1e-4, ""), (1.0, -2.0, "")],
)
def test_ratio_notes_never_divide_by_zero(base: float, other: float, text: str) -> None:
    # ViT-pytorch's weight decay 0 against another card's 1e-4 crashed a comparison.
    assert format_ratio(base, other) == text
