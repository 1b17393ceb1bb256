"""Names as evidence: splitting, the name index, abbreviations and data vocabulary (no I/O)."""

from __future__ import annotations

from msqd.search import terms
from msqd.search.cover import alternatives, name_queries, question_words
from msqd.search.names import FOLDER, OWN, PROJECT, NameIndex, card_keys, name_keys, split_words
from msqd.search.query import read_query


def test_names_split_the_way_people_write_them() -> None:
    assert split_words("CycleGAN-keras") == ["cycle", "gan", "keras"]
    assert split_words("DCGAN_Solution") == ["dcgan", "solution"]
    assert split_words("horse2zebra") == ["horse", "2", "zebra"]
    assert split_words("ResNet18") == ["res", "net", "18"]
    # Every spelling of one name meets on a joined key.
    for spelling in ("cycle_gan", "CycleGAN", "cyclegan", "Cycle-GAN"):
        assert "cyclegan" in name_keys(spelling), spelling
    keys = name_keys("train_unet_attn")
    assert {"train", "unet", "attn", "unetattn", "trainunetattn"} <= keys
    assert "resnet18" in name_keys("ResNet18")


def test_own_names_weigh_more_than_folders_and_projects() -> None:
    keys = card_keys("/home/a/GANs/implementations/cyclegan/utils.py", "GANs", ["Generator"])
    assert keys["utils"] > keys["cyclegan"] > keys["implementations"]
    assert keys["generator"] == OWN * 1.0  # the whole class name
    assert FOLDER * 0.6 <= keys["cyclegan"] <= FOLDER
    # A key weighs more the more of its name it is.
    exact = card_keys("/w/wgan-gp/gan_mnist.py", "wgan-gp", [])["wgangp"]
    buried = card_keys("/w/DCGAN-LSGAN-WGAN-GP-DRAGAN/v0/ops.py", "DCGAN-LSGAN-WGAN-GP-DRAGAN", [])
    assert exact == PROJECT and buried["wgangp"] < exact
    # Classes used from a sibling file count as the folder's, not the file's own.
    followed = card_keys("/w/p/train.py", "p", [], ["UNet"])
    assert followed["unet"] == FOLDER
    # Lone letters and numbers never become keys of their own.
    assert "q" not in card_keys("/w/p/deep_q_network.py", "p", [])
    assert "deepqnetwork" in card_keys("/w/p/deep_q_network.py", "p", [])


def test_name_index_follows_slots_and_corrects_typos() -> None:
    idx = NameIndex()
    idx.put(0, card_keys("/w/g/CycleGAN-keras.py", "g", []))
    idx.put(1, card_keys("/w/g/pix2pix-keras.py", "g", []))
    idx.put(2, card_keys("/w/w/WassersteinGAN/main.py", "WassersteinGAN", []))
    assert set(idx.lookup("cyclegan")) == {0}
    assert idx.count("keras") == 2
    assert idx.correct("cycelgan") == "cyclegan"  # two letters swapped
    assert idx.correct("wassertein") == "wasserstein"  # one letter missing
    assert idx.correct("cyclegan") is None  # not a typo
    assert idx.correct("gann") is None  # too short to guess
    idx.put(3, {"stack": 1.0, "prime": 1.0})
    assert idx.correct("stock") is None and idx.correct("price") is None  # English words
    idx.drop(0)
    assert idx.lookup("cyclegan") == {} and idx.correct("cycelgan") is None
    idx.renumber([1, 2])  # after compaction old slot 1 is 0, old 2 is 1
    assert set(idx.lookup("pix2pix")) == {0} and set(idx.lookup("wasserstein")) == {1}


def test_ambiguous_typos_are_not_guessed() -> None:
    idx = NameIndex()
    idx.put(0, {"pointnet": 1.0})
    idx.put(1, {"pointset": 1.0})
    assert idx.correct("pointxet") is None


def test_abbreviations_map_both_ways() -> None:
    keys = {k for k, _, _ in name_queries(question_words("deep q network"))}
    assert "dqn" in keys
    keys = {k for k, _, _ in name_queries(question_words("dqn"))}
    assert "deepqnetwork" in keys
    words = question_words("wasserstein gan with gradient penalty")
    spans = {k: (i, j) for k, i, j in name_queries(words)}
    assert spans["wgangp"] == (0, len(words))  # covers the whole question
    assert ["ppo"] in alternatives(question_words("proximal policy optimization"))
    assert ["deep", "q", "network"] in alternatives(question_words("dqn"))
    # A long form reads as its abbreviation's vocabulary term.
    cons = read_query("deep q network").constraints
    assert [(c.field, c.value) for c in cons] == [("arch_family", "reinforcement-learning")]


def test_dataset_names_from_the_data_become_constraints() -> None:
    extra = terms.data_terms(["Multi30k", ["FordA", "CIFAR-10"], "names (18 languages)", None])
    assert set(extra) == {"multi30k", "forda"}  # CIFAR-10 is built in; "names" is a word
    assert read_query("seq2seq translation multi30k").constraints[-1].field != "dataset"
    cons = read_query("seq2seq translation multi30k", extra).constraints
    assert ("dataset", "Multi30k") in [(c.field, c.value) for c in cons]
    # Typos of data names keep working; the built-in table still wins.
    cons = read_query("translation on mulit30k", extra).constraints
    assert [(c.field, c.value) for c in cons if c.field == "dataset"] == [("dataset", "Multi30k")]
    assert "typo" in next(c for c in cons if c.field == "dataset").source
    cons = read_query("cifar10 or forda", extra).constraints
    assert [(c.field, c.op, c.value) for c in cons] == [("dataset", "in", ("CIFAR-10", "FordA"))]


def test_name_index_packs_single_holders_and_keeps_weights() -> None:
    idx = NameIndex()
    idx.put(5, {"cyclegan": 1.0, "gan": 0.6})
    idx.put(7, {"gan": 0.8, "pix2pix": 0.5})
    assert idx.lookup("cyclegan") == {5: 1.0}  # one holder, packed
    assert idx.lookup("gan") == {5: 0.6015625, 7: 0.80078125}  # two: a dict, 1/256 steps
    assert idx.keys_of(7) == {"gan": 0.80078125, "pix2pix": 0.5}
    idx.put(5, {"cyclegan": 0.25})  # replacing a slot drops its old keys
    assert idx.lookup("gan") == {7: 0.80078125} and idx.lookup("cyclegan") == {5: 0.25}
    idx.drop(5)
    idx.put(9, {"cyclegan": 0.5})  # a key whose one holder went takes a new one
    assert idx.lookup("cyclegan") == {9: 0.5} and idx.count("cyclegan") == 1
    idx.renumber([7, 9])
    assert idx.lookup("cyclegan") == {1: 0.5} and idx.keys_of(0) == {
        "gan": 0.80078125,
        "pix2pix": 0.5,
    }
    assert idx.lookup("nothing") == {} and idx.keys_of(3) == {}
