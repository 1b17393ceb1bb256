"""Names, roles, the closest-matches notice and data vocabulary in a real search.

Real Store (SQLite + FTS5), real hnswlib index, the deterministic "hash"
embedder: dense distances carry no meaning here, so what ranks the right file
first is the evidence under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msqd.card import Component, Field, ModelCard
from msqd.index import embed
from msqd.index.cardtext import embedding_text, lexical_text
from msqd.search.rank import SearchEngine
from msqd.store.db import Store
from msqd.store.vindex import VectorIndex

# path under /w, project, role, arch, dataset, classes, description
CARDS = [
    ("gans/impl/cyclegan/cyclegan.py", "gans", "train", ["gan"], "", ["GeneratorResNet"], ""),
    ("gans/impl/cyclegan/models.py", "gans", "model", ["gan"], "", ["Discriminator"], ""),
    ("gans/impl/cyclegan/utils.py", "gans", "util", [], "", [], ""),
    ("gans/impl/cyclegan/datasets.py", "gans", "data", [], "", [], ""),
    ("gans/impl/dcgan/dcgan.py", "gans", "train", ["gan"], "CelebA", ["Generator"], ""),
    ("rl/dqn_atari.py", "rl", "train", ["reinforcement-learning"], "", ["QNetwork"], ""),
    ("rl/ppo.py", "rl", "train", ["reinforcement-learning"], "", ["Agent"], ""),
    ("sb3/sb3/dqn/dqn.py", "sb3", "library", ["reinforcement-learning"], "", ["DQN"], ""),
    ("nmt/seq2seq.py", "nmt", "train", ["seq2seq"], "Multi30k", ["Encoder"], "translation"),
    ("diff/ddpm.py", "diff", "train", ["diffusion"], "CIFAR-10", ["UNet"], ""),
    ("diff/modules.py", "diff", "model", ["diffusion"], "", ["UNet"], "U-Net blocks"),
    ("diff/mnist_ddpm.py", "diff", "train", ["diffusion"], "MNIST", [], ""),
    # A model of no family the extractor knows, on MNIST, described near diffusion.
    ("mlp/mnist_noise.py", "mlp", "train", ["other"], "MNIST", ["Net"], "diffusion of noise"),
]


def _card(path: str, project: str, role: str, arch: list[str], ds: str, classes, desc) -> ModelCard:
    mid = path.rsplit(".", 1)[0]
    card = ModelCard(
        model_id=mid,
        path=f"/w/{path}",
        sha256=mid,
        project=project,
        role=role,
        description=desc or "Script in PyTorch.",
        modified=1.7e9,
        components=[Component(c, "nn.Module") for c in classes],
    )
    card.fields = {"framework": Field(["pytorch"])}
    if arch:
        card.fields["arch_family"] = Field(arch)
    if ds:
        card.fields["dataset"] = Field(ds)
    return card


def _add(store: Store, index: VectorIndex, emb: embed.Embedder, card: ModelCard) -> None:
    vec = emb.embed([embedding_text(card)])[0]
    up = store.upsert(
        card,
        root="/w",
        mtime=0.0,
        embed_text=embedding_text(card),
        lexical_text=lexical_text(card),
        vector=vec,
        model=emb.name,
    )
    assert up.vec_label is not None
    index.add([up.vec_label], vec.reshape(1, -1))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[SearchEngine]:
    store = Store(tmp_path / "db.sqlite3")
    store.open()
    emb = embed.create("hash")
    index = VectorIndex(emb.dim)
    for row in CARDS:
        _add(store, index, emb, _card(*row))
    yield SearchEngine(store, lambda: index, lambda: emb)
    store.close()


def ids(hits: list) -> list[str]:
    return [h.card.model_id for h in hits]


def test_a_file_named_as_asked_comes_first_and_its_helpers_after_it(engine: SearchEngine) -> None:
    got = ids(engine.search("cyclegan").hits)
    assert got[0] == "gans/impl/cyclegan/cyclegan"
    # The training entry point above the model file, which is above the helpers.
    assert got.index("gans/impl/cyclegan/models") < got.index("gans/impl/cyclegan/utils")
    assert got.index("gans/impl/cyclegan/models") < got.index("gans/impl/cyclegan/datasets")
    assert ids(engine.search("cycle gan").hits)[0] == "gans/impl/cyclegan/cyclegan"
    assert ids(engine.search("cycelgan").hits)[0] == "gans/impl/cyclegan/cyclegan"  # typo


def test_abbreviations_find_names_both_ways(engine: SearchEngine) -> None:
    assert ids(engine.search("deep q network").hits)[0] == "rl/dqn_atari"
    assert ids(engine.search("proximal policy optimization").hits)[0] == "rl/ppo"


def test_library_source_is_last_unless_asked_for(engine: SearchEngine) -> None:
    got = ids(engine.search("dqn").hits)
    assert got[0] == "rl/dqn_atari" and got[-1] == "sb3/sb3/dqn/dqn"
    assert ids(engine.search("dqn library source").hits)[0] == "sb3/sb3/dqn/dqn"
    assert ids(engine.search("dqn", filter_text="role = library").hits) == ["sb3/sb3/dqn/dqn"]


def test_a_dataset_named_only_by_a_card_is_a_constraint(engine: SearchEngine) -> None:
    out = engine.search("translation multi30k")
    assert [(c.field, c.value) for c in out.reading.constraints] == [("dataset", "Multi30k")]
    assert ids(out.hits)[0] == "nmt/seq2seq"
    card = _card("nmt/other.py", "nmt", "train", ["seq2seq"], "FordA", [], "")
    _add(engine.store, engine._index(), engine._embedder(), card)  # type: ignore[arg-type]
    out = engine.search("seq2seq on forda")  # known once a card names it
    assert ("dataset", "FordA") in [(c.field, c.value) for c in out.reading.constraints]


def test_closest_matches_when_nothing_passes_and_silence_when_nothing_fits(
    engine: SearchEngine,
) -> None:
    out = engine.search("cyclegan impl for monet")  # no card holds "monet"
    assert out.closest and ids(out.hits)[0] == "gans/impl/cyclegan/cyclegan"
    assert "closest matches" in out.notice
    out = engine.search("speech synthesis with tacotron")
    assert out.hits == [] and not out.closest and out.notice.startswith("nothing in the index")


def test_a_comparison_side_needs_the_contrasted_field(engine: SearchEngine) -> None:
    out = engine.search("diffusion cifar vs mnist", per_side=5)
    cifar, mnist = out.sides
    assert ids(cifar.hits) == ["diff/ddpm"]
    # modules.py states no dataset: it is evidence for neither side; the MNIST model of
    # family "other" is no diffusion model, however close its text.
    assert ids(mnist.hits) == ["diff/mnist_ddpm"]
