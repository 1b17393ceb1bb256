"""Ranking logic on a real Store + VectorIndex with the deterministic "hash" embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from msqd.card import Field, ModelCard
from msqd.errors import InvalidRequest
from msqd.index import embed
from msqd.index.cardtext import embedding_text, lexical_text
from msqd.search.lexical import fts_query
from msqd.search.rank import SearchEngine
from msqd.store.db import Store
from msqd.store.vindex import VectorIndex

CARDS = [
    # model id, arch, dataset, optimizer, lr, epochs, description
    (
        "cifar-ddpm/train",
        ["diffusion", "unet"],
        "CIFAR-10",
        "Adam",
        2e-4,
        200,
        "DDPM diffusion model with a U-Net trained on CIFAR-10",
    ),
    (
        "cifar-catdog/ddpm",
        ["diffusion", "unet"],
        "CIFAR-10 (cat, dog)",
        "Adam",
        2e-4,
        100,
        "DDPM diffusion model on the cat and dog classes of CIFAR-10",
    ),
    (
        "mnist-diffusion/train",
        ["diffusion", "unet"],
        "MNIST",
        "Adam",
        1e-3,
        20,
        "Tiny diffusion model on MNIST digits",
    ),
    (
        "fashion/ddpm",
        ["diffusion"],
        "Fashion-MNIST",
        "Adam",
        2e-4,
        15,
        "DDPM diffusion model on Fashion-MNIST clothes",
    ),
    (
        "vae-mnist/vae",
        ["vae"],
        "MNIST",
        "Adam",
        1e-3,
        10,
        "Variational autoencoder on MNIST digits",
    ),
    (
        "cifar-cnn/train",
        ["cnn-classifier"],
        "CIFAR-10",
        "SGD",
        0.05,
        30,
        "CNN classifier for CIFAR-10 with SGD and momentum",
    ),
    (
        "pets/finetune",
        ["resnet"],
        "Oxford-IIIT Pets",
        "SGD",
        0.01,
        15,
        "ResNet-50 fine-tune on Oxford pets",
    ),
    (
        "rl/dqn",
        ["reinforcement-learning"],
        "CartPole",
        "RMSprop",
        2.5e-4,
        500,
        "DQN agent with a replay buffer and a target network for CartPole",
    ),
]


def _card(mid: str, arch: list[str], ds: str, opt: str, lr: float, ep: int, desc: str) -> ModelCard:
    card = ModelCard(
        model_id=mid,
        path=f"/x/{mid}.py",
        sha256=mid,
        description=desc,
        project=mid.split("/")[0],
        modified=1.7e9,
    )
    card.fields = {
        "arch_family": Field(arch),
        "dataset": Field(ds),
        "optimizer": Field(opt),
        "learning_rate": Field(lr),
        "epochs": Field(ep),
        "framework": Field(["pytorch"]),
    }
    return card


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[SearchEngine]:
    store = Store(tmp_path / "db.sqlite3")
    store.open()
    emb = embed.create("hash")
    index = VectorIndex(emb.dim)
    for row in CARDS:
        card = _card(*row)
        vec = emb.embed([embedding_text(card)])[0]
        up = store.upsert(
            card,
            root="/x",
            mtime=0.0,
            embed_text=embedding_text(card),
            lexical_text=lexical_text(card),
            vector=vec,
            model=emb.name,
        )
        assert up.vec_label is not None
        index.add([up.vec_label], vec.reshape(1, -1))
    yield SearchEngine(store, lambda: index, lambda: emb)
    store.close()


def ids(hits: list) -> list[str]:
    return [h.card.model_id for h in hits]


def test_a_comparison_embeds_its_sides_in_one_model_call(engine: SearchEngine) -> None:
    calls: list[list[str]] = []

    class Counting(embed.HashEmbedder):
        def embed_queries(self, texts: list[str]) -> np.ndarray:
            calls.append(list(texts))
            return super().embed_queries(texts)

    emb = Counting()  # the fixture's name and vectors
    counted = SearchEngine(engine.store, engine._index, lambda: emb)
    out = counted.search("diffusion cifar vs mnist")
    assert len(out.sides) == 2 and calls == [[s.text for s in out.sides]]
    assert [ids(s.hits) for s in out.sides] == [
        ids(s.hits) for s in engine.search("diffusion cifar vs mnist").sides
    ]
    counted.search("diffusion cifar vs mnist")
    counted.search(out.sides[0].text)
    assert len(calls) == 1  # both sides, and the side on its own, come from the cache


def test_comparison_sides_are_strict_and_count_full_matches(engine: SearchEngine) -> None:
    out = engine.search("diffusion cifar vs mnist", per_side=5)
    cifar, mnist = out.sides
    assert set(ids(cifar.hits)) == {"cifar-ddpm/train", "cifar-catdog/ddpm"}
    assert cifar.matched == 2
    # Fashion-MNIST is another data set, the VAE another architecture.
    assert ids(mnist.hits) == ["mnist-diffusion/train"]
    assert mnist.matched == 1


def test_mnist_family_means_the_family(engine: SearchEngine) -> None:
    out = engine.search("diffusion on the mnist family vs cifar", per_side=5)
    assert set(ids(out.sides[0].hits)) == {"mnist-diffusion/train", "fashion/ddpm"}
    assert out.sides[0].matched == 2


def test_hard_constraints_are_exact(engine: SearchEngine) -> None:
    out = engine.search("which of my models used SGD with lr above 0.01?")
    assert ids(out.hits) == ["cifar-cnn/train"]  # pets has lr = 0.01, not above


def test_constraint_only_question_scans_every_card(engine: SearchEngine) -> None:
    out = engine.search("more than 100 epochs")
    assert set(ids(out.hits)) == {"cifar-ddpm/train", "rl/dqn"}


def test_explicit_filter_applies_and_bad_filter_points_at_token(engine: SearchEngine) -> None:
    out = engine.search("diffusion", filter_text="dataset = cifar10")
    assert set(ids(out.hits)) == {"cifar-ddpm/train", "cifar-catdog/ddpm"}
    with pytest.raises(InvalidRequest, match="column"):
        engine.search("diffusion", filter_text="lr >> 1")


def test_no_right_answer_says_so_instead_of_padding(engine: SearchEngine) -> None:
    out = engine.search("diffusion on ImageNet with TPUs")
    assert out.hits == []
    assert out.hidden > 0
    assert "nothing in the index matches" in out.notice
    assert engine.search("diffusion on ImageNet with TPUs", show_all=True).hits


def test_contradicting_rows_rank_below_matching_ones(engine: SearchEngine) -> None:
    out = engine.search("diffusion mnist", show_all=True, limit=20)
    order = ids(out.hits)
    assert order[0] == "mnist-diffusion/train"
    assert order.index("mnist-diffusion/train") < order.index("fashion/ddpm")


def test_explain_names_retrieval_and_constraints(engine: SearchEngine) -> None:
    hit = engine.search("diffusion cifar", explain=True).hits[0]
    text = "\n".join(hit.explain)
    assert "cosine distance" in text
    assert "lexical" in text
    assert "arch_family matches" in text and "dataset matches" in text
    assert hit.distance >= 0


def test_field_table_follows_updates_and_deletes(engine: SearchEngine) -> None:
    assert ids(engine.search("more than 300 epochs").hits) == ["rl/dqn"]
    card = _card("rl/dqn", ["reinforcement-learning"], "CartPole", "RMSprop", 2.5e-4, 50, "DQN")
    engine.store.upsert(
        card, root="/x", mtime=1.0, embed_text="DQN", lexical_text="DQN", vector=None, model="hash"
    )
    assert engine.search("more than 300 epochs").hits == []
    engine.store.delete_paths(["/x/cifar-ddpm/train.py"])
    assert ids(engine.search("more than 100 epochs").hits) == []


def test_lexical_only_when_no_vectors(tmp_path: Path, engine: SearchEngine) -> None:
    lexical = SearchEngine(engine.store, lambda: None, lambda: None)
    out = lexical.search("replay buffer")
    assert ids(out.hits) == ["rl/dqn"]
    assert out.dense is False


def test_fts_query_drops_stopwords_and_quotes_terms() -> None:
    assert fts_query("which of my models used a U-Net") == '"net"*'
    assert fts_query("replay buffer", every=True) == '"replay"* AND "buffer"*'


def test_field_table_values_equal_card_getter(engine: SearchEngine) -> None:
    from msqd.search.values import FIELDS, card_getter

    engine.table.refresh()
    for rid, card in engine.store.iter_cards():
        slot = engine.table.slot_of(rid)
        assert slot is not None
        get = card_getter(card)
        for name in FIELDS:
            assert engine.table.value(slot, name) == get(name), name


def test_words_held_by_too_many_cards_leave_the_lexical_stage(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scaled down: 8 cards, and "common" means more than 2 of them.
    from msqd.search import lexical

    assert engine.store.fts_count('"diffusion"*') == 4
    assert engine.store.fts_count('"replay"*') == 1
    monkeypatch.setattr(lexical, "COMMON_DOCS", 2)
    out = engine.search("diffusion replay buffer", explain=True, show_all=True)
    by_id = {h.card.model_id: "\n".join(h.explain) for h in out.hits}
    assert "lexical #1" in by_id["rl/dqn"]
    # "diffusion" (4 cards) was left out, so no diffusion card has lexical evidence.
    assert not any("lexical" in by_id[m] for m in by_id if m != "rl/dqn")
    # Only common words: no lexical stage at all, constraints and meaning still rank.
    hit = engine.search("diffusion model", explain=True).hits[0]
    assert "lexical" not in "\n".join(hit.explain)
    assert "arch_family matches" in "\n".join(hit.explain)


def test_field_table_arrays_follow_slots(engine: SearchEngine) -> None:
    from msqd.search.candidates import newest as _newest

    t = engine.table
    t.refresh()
    labels = t.label_array()
    assert labels.tolist() == [-1 if x is None else x for x in t.labels]
    card = _card("rl/dqn", ["reinforcement-learning"], "CartPole", "RMSprop", 2.5e-4, 500, "DQN")
    card.modified = 1.8e9  # the newest card now
    engine.store.upsert(
        card, root="/x", mtime=1.0, embed_text="DQN", lexical_text="DQN", vector=None, model="hash"
    )
    t.refresh()
    mod = t.numbers("modified")
    for slot in range(len(t.rowids)):
        assert mod[slot] == t.value(slot, "modified")
    assert np.isnan(t.numbers("dataset")).all()  # text values are not numbers
    newest = _newest(t, t.alive, 1)
    assert t.value(int(newest[0]), "model_id") == "rl/dqn"


def test_field_table_masks_stay_exact_through_updates_deletes_and_compaction(
    tmp_path: Path,
) -> None:
    from msqd.search.fieldtable import FieldTable
    from msqd.search.filterlang import parse_filter
    from msqd.search.values import card_getter

    store = Store(tmp_path / "t.sqlite3")
    store.open()
    datasets = ["MNIST", "CIFAR-10", "CelebA", "Fashion-MNIST"]

    def put(i: int, ds: str, epochs: int) -> None:
        card = _card(f"p{i}/m", ["cnn-classifier"], ds, "SGD", 0.01, epochs, "x")
        store.upsert(
            card, root="/x", mtime=0.0, embed_text="x", lexical_text="x", vector=None, model="h"
        )

    for i in range(1200):
        put(i, datasets[i % 4], i % 7)
    table = FieldTable(store)
    exprs = [parse_filter(f) for f in ('dataset = "MNIST"', "epochs >= 5", 'dataset = "ImageNet"')]

    def check() -> None:
        table.refresh()
        assert table.label_array().tolist() == [-1 if x is None else x for x in table.labels]
        truth = {rid: card for rid, card in store.iter_cards()}
        for expr in exprs:
            got = {table.rowids[s] for s in np.flatnonzero(table.mask(expr) & table.alive)}
            want = {rid for rid, card in truth.items() if expr.matches(card_getter(card))}
            assert got == want, str(expr)

    check()
    store.delete_paths([f"/x/p{i}/m.py" for i in range(700)])  # over half: compaction
    check()
    assert len(table.rowids) == 500
    for i in range(700, 760):
        put(i, "ImageNet", 9)  # a value no card had
    for i in range(1300, 1310):
        put(i, "MNIST", 1)  # new cards
    check()
    store.close()


def test_cards_matching_every_implied_constraint_are_found_when_retrieval_misses_them(
    tmp_path: Path,
) -> None:
    # More full matches than a retrieval pool, none of them near the question or
    # holding its words: 100 CIFAR-10 cards are (text and vectors), so dense and
    # lexical retrieval both return only those. At 100,000 generated cards
    # "sgd momentum cifar-100" showed one of 648 matching cards this way.
    store = Store(tmp_path / "db.sqlite3")
    store.open()
    emb = embed.create("hash")
    index = VectorIndex(emb.dim)
    rows = [(f"c100/m{i}", "CIFAR-100", "unrelated words here") for i in range(60)]
    rows += [(f"c10/m{i}", "CIFAR-10", "sgd momentum cifar") for i in range(100)]
    for mid, ds, text in rows:
        card = _card(mid, ["cnn-classifier"], ds, "SGD", 0.1, 10, text)
        vec = emb.embed([text])[0]
        up = store.upsert(
            card,
            root="/x",
            mtime=0.0,
            embed_text=text,
            lexical_text=text,
            vector=vec,
            model=emb.name,
        )
        assert up.vec_label is not None
        index.add([up.vec_label], vec.reshape(1, -1))
    engine = SearchEngine(store, lambda: index, lambda: emb)
    hits = engine.search("sgd momentum cifar-100", limit=10).hits
    assert len(hits) == 10
    assert all(h.card.value("dataset") == "CIFAR-100" for h in hits), ids(hits)
    engine.close()
    store.close()
