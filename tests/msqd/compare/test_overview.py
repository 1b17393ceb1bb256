"""Side summaries, ranked differences, the summary paragraph and the architecture view.

Cards come from real extraction of the bundled demo corpus (and hand-built cards for
folds); every expectation is computed from those cards, not written down.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from msqd.card import ModelCard
from msqd.compare import Facts, check_sentence
from msqd.compare.arch import asks_architecture
from msqd.compare.overview import build_overview
from msqd.compare.ranking import KINDS
from msqd.compare.traits import BY_NAME, fmt
from msqd.extract.core import extract_file

DEMO = Path(__file__).resolve().parents[3] / "daemon" / "msqd" / "demo_corpus"
CIFAR = ["cifar10-conditional-diffusion/cond_ddpm", "Generative-CIFAR-10-Cat-Dog/ddpm_v10",
         "cifar10-diffusion-attention/train_unet_attn"]  # fmt: skip
MNIST = ["mnist-diffusion/train", "mnist-diffusion/conditional_mnist"]
OTHERS = [
    "gan-celeba/dcgan",
    "vae-mnist/vae",
    "cifar-classifier/train",
    "keras-cnn/fashion_cnn_keras",
]


@pytest.fixture(scope="module")
def cards() -> dict[str, ModelCard]:
    out = {}
    for p in DEMO.rglob("*.py"):
        c = extract_file(p, root=DEMO)
        out[c.model_id] = c
    return out


def cols(cards: dict[str, ModelCard], *sides: list[str]) -> list[tuple[ModelCard, int]]:
    return [(cards[i], s) for s, ids in enumerate(sides) for i in ids]


def test_side_summary_counts_shared_and_spreads(cards: dict[str, ModelCard]) -> None:
    ov = build_overview(cols(cards, CIFAR, MNIST), ["diffusion + CIFAR-10", "diffusion + MNIST"])
    s1, s2 = ov.sides
    assert s1.model_ids == CIFAR and s2.model_ids == MNIST
    assert (s1.name, s2.name) == ("CIFAR-10 models", "MNIST models")
    assert s1.reading == "diffusion + CIFAR-10"
    for side, ids in ((s1, CIFAR), (s2, MNIST)):
        for t in side.shared + side.spread:
            if t.field == "layers":
                common = set.intersection(
                    *(
                        set(cards[i].components[0].layers)
                        | {k for c in cards[i].components for k in c.layers}
                        for i in ids
                    )
                )
                assert set(t.value.split(", ")) <= common
                continue
            trait = BY_NAME[t.field]
            vals = [trait.value(cards[i]) for i in ids]
            if t in side.shared:
                assert len(set(vals)) == 1 and None not in vals
            elif trait.kind == "number":
                nums = [float(v) for v in vals if v is not None]
                lo, hi = t.value.split("–") if "–" in t.value else (t.value, t.value)
                assert (float(lo), float(hi)) == (min(nums), max(nums))
            elif trait.kind == "flag":
                assert t.text.endswith(f"in {sum(1 for v in vals if v)} of {len(ids)}")
                assert t.model_ids == [i for i, v in zip(ids, vals, strict=True) if v]
            else:
                assert set(t.value.split(" / ")) == {fmt(v) for v in vals if v is not None}


def test_ranked_differences_separate_first_and_hold_pairwise(cards: dict[str, ModelCard]) -> None:
    ov = build_overview(cols(cards, CIFAR, MNIST), None)
    kinds = [KINDS.index(d.kind) for d in ov.ranked]
    assert kinds == sorted(kinds) and ov.ranked[0].kind == "separates"
    for d in ov.ranked:
        trait = BY_NAME[d.field]
        a = [trait.value(cards[i]) for i in CIFAR]
        b = [trait.value(cards[i]) for i in MNIST]
        if d.kind == "separates":
            # Holds between every model of one side and every model of the other.
            assert None not in a + b
            if trait.kind == "number":
                assert max(a) < min(b) or max(b) < min(a)
            else:
                assert not {fmt(x) for x in a} & {fmt(x) for x in b}
        assert d.text.startswith(f"{d.label}: CIFAR-10 models ")
        assert "; MNIST models " in d.text
        assert not any(i in d.text for i in CIFAR + MNIST)  # sides, not ids
    assert 1 <= ov.default_count <= 6
    assert all(d.kind != "overlaps" for d in ov.ranked[: ov.default_count])


def test_dataset_the_sides_are_named_by_ranks_last_among_separators(
    cards: dict[str, ModelCard],
) -> None:
    ov = build_overview(cols(cards, CIFAR, MNIST), None)
    seps = [d.field for d in ov.ranked if d.kind == "separates"]
    assert "dataset" in seps and seps[-1] == "dataset"


def test_near_identical_cards_fold(cards: dict[str, ModelCard]) -> None:
    twin = copy.deepcopy(cards[MNIST[0]])
    twin.model_id, twin.path = "mnist-diffusion/train_v2", twin.path.replace("train", "train_v2")
    twin.size += 100
    columns = [*cols(cards, CIFAR), (cards[MNIST[0]], 1), (twin, 1), (cards[MNIST[1]], 1)]
    ov = build_overview(columns, None)
    folds = ov.sides[1].folds
    assert len(folds) == 1 and folds[0].model_ids == [MNIST[0], twin.model_id]
    assert any("near-identical" in s for s in ov.summary)


@pytest.mark.parametrize(
    "sides",
    [
        (CIFAR, MNIST),
        (CIFAR[:1], MNIST[:1]),
        (CIFAR, MNIST, OTHERS[:2]),
        (OTHERS[:2], OTHERS[2:]),
        (CIFAR + MNIST,),
        ([CIFAR[0]], [CIFAR[1]], [MNIST[0]]),
    ],
)
def test_every_summary_sentence_is_grounded(cards: dict[str, ModelCard], sides) -> None:
    columns = cols(cards, *sides)
    ov = build_overview(columns, None)
    facts = Facts.from_columns(columns)
    assert ov.summary
    for sentence in ov.summary:
        res = check_sentence(sentence, facts)
        assert res.ok, (sentence, res.reasons)


def test_a_false_paragraph_sentence_would_fail_the_check(cards: dict[str, ModelCard]) -> None:
    """The check the paragraph passes can fail: swap the sides' numbers."""
    columns = cols(cards, CIFAR, MNIST)
    ov = build_overview(columns, None)
    facts = Facts.from_columns(columns)
    first = next(d for d in ov.ranked if d.kind == "separates" and d.field == "timesteps")
    lo_hi = [sv.text for sv in first.sides]
    swapped = f"The CIFAR-10 models use {lo_hi[1]} timesteps, the MNIST models {lo_hi[0]}."
    assert not check_sentence(swapped, facts).ok


def test_architecture_view_only_when_asked(cards: dict[str, ModelCard]) -> None:
    assert asks_architecture("compare the architecture of my diffusion models")
    assert asks_architecture("", "which backbone")
    assert not asks_architecture("diffusion cifar vs mnist")
    plain = build_overview(cols(cards, CIFAR, MNIST), None, "diffusion cifar vs mnist")
    assert not plain.architecture and not plain.arch
    ov = build_overview(cols(cards, CIFAR, MNIST), None, "differences in architecture")
    assert ov.architecture and [a.model_id for a in ov.arch] == CIFAR + MNIST
    # Architecture-first ranking: within one kind, component features before training.
    overlaps = [d.field for d in ov.ranked if d.kind == "overlaps"]
    assert overlaps.index("attention") < overlaps.index("batch_size")
    plain_overlaps = [d.field for d in plain.ranked if d.kind == "overlaps"]
    assert overlaps != plain_overlaps
    for a in ov.arch:
        card = cards[a.model_id]
        names = {c.name for c in card.components}
        assert a.backbone.split(" ")[0] in names
        est = card.param_estimate
        assert a.parameters == (est.total if est else 0)
        has_attn = any("attn" in k.lower() or "attention" in k.lower()
                       for c in card.components for k in [c.name, *c.layers])  # fmt: skip
        assert (a.attention != "none") == has_attn
        if card.value("conditional") is True:
            assert a.conditioning.startswith(("class embedding", "conditional", "cross"))
        assert any("params ≈" in line for line in a.lines()) == bool(a.parameters)
