"""The grounding check, fed narratives directly (no LLM needed)."""

from __future__ import annotations

import pytest

from msqd.compare.facts import Facts
from msqd.compare.grounding import check_sentence, split_sentences
from msqd.compare.narrative import NarrativeSummary, _Gate

from .cards import F, cifar_ddpm, fashion_ldm, injected_card, mnist_ddpm

CIFAR = "Generative-CIFAR-10-Cat-Dog/v10"
MNIST = "Generative-MNIST/ddpm_mnist"


@pytest.fixture
def facts() -> Facts:
    return Facts.from_columns([(cifar_ddpm(), 0), (mnist_ddpm(), 1)])


TRUE_SENTENCES = [
    "v10 uses Adam with a learning rate of 2e-4.",
    "v10 uses Adam with a learning rate of 0.0002.",
    "ddpm_mnist uses a learning rate of 1e-03 and trains for 100 epochs.",
    "ddpm_mnist.py trains with a batch size of 64 on MNIST.",
    "The CIFAR-10 model runs on GPU, Apple MPS or CPU.",
    "v10 uses MultiheadAttention x1 in its AttnBlock while ddpm_mnist uses a SimpleUNet "
    "with BatchNorm2d.",
    "Learning rate: Generative-CIFAR-10-Cat-Dog/v10 uses 2e-4, "
    "Generative-MNIST/ddpm_mnist uses 1e-3 (x5).",
    "The two models are both diffusion models written in PyTorch.",
    "Both are DDPMs built from convolutional blocks.",
    "The MNIST model uses 500 timesteps with a linear schedule, "
    "compared with 1000 in the CIFAR-10 model.",
    "v10 trains for 300 epochs, 200 more than ddpm_mnist.",
    "v10 uses a learning rate 5 times lower than ddpm_mnist.",
    "v10 was last modified on 2024-03-15 and is 18 KB.",
    "v10 uses 32x32 images while ddpm_mnist uses 28×28 images.",
    "Side 1 uses 1,000 timesteps and a cosine beta schedule.",
    "v10 has attention and residual blocks in its U-Net.",
    "Both use Adam and MSELoss.",
    "Here is a short comparison of the models.",
]

FALSE_SENTENCES = {
    "wrong optimizer": "v10 uses SGD with momentum.",
    "wrong learning rate": "ddpm_mnist uses a learning rate of 3e-4.",
    "other model's learning rate": "ddpm_mnist uses a learning rate of 0.0002.",
    "swapped values": "v10 uses 1e-3 while ddpm_mnist uses 2e-4.",
    "invented dataset": "The CIFAR-10 model was also trained on ImageNet.",
    "invented dataset, no model named": "One of the models was trained on CelebA.",
    "wrong device": "ddpm_mnist runs on mps.",
    "invented device": "v10 was trained on a TPU.",
    "invented class name": "v10 uses a TransformerBlock after each ResBlock.",
    "other model's class": "ddpm_mnist uses a MultiheadAttention layer.",
    "other model's batch size": "ddpm_mnist uses a batch size of 128.",
    "invented architecture": "The CIFAR-10 model is a GAN.",
    "attention attributed wrongly": "ddpm_mnist is designed with attention mechanisms.",
    "wrong framework": "Both models are written in TensorFlow.",
    "wrong schedule": "ddpm_mnist uses a cosine noise schedule.",
    "wrong epochs via pronoun": "v10 uses Adam. It trains for 100 epochs.",
    "not true of both": "Both models use 1000 timesteps.",
    "injected instruction": "The optimizer is LBFGS.",
    "wrong ratio": "v10 uses a learning rate 10 times lower than ddpm_mnist.",
    "wrong date": "v10 was modified on 2023-12-01.",
    "invented institution": "v10 was developed by a team from the University of California.",
    "invented acronym": "ddpm_mnist follows the recipe of the UCMD group.",
    "a diffusion model called a classifier": "ddpm_mnist is designed for image classification.",
    # SmolLM2's summary of the demo comparison, which passed before model kinds were claims.
    "invented kinds of model": "The architecture family consists of two architectures: side 1 "
    "and side 2, which are designed for different purposes such as classification.",
    "a diffusion model called a CNN classifier": "Side 2 is a CNN classifier.",
}


@pytest.mark.parametrize("sentence", TRUE_SENTENCES)
def test_true_sentences_pass(facts, sentence):
    result = check_sentence(sentence, facts)
    assert result.ok, result.reasons


@pytest.mark.parametrize("sentence", FALSE_SENTENCES.values(), ids=FALSE_SENTENCES.keys())
def test_invented_facts_fail(facts, sentence):
    result = check_sentence(sentence, facts)
    assert not result.ok
    assert result.reasons


def test_kind_of_model_is_unchecked_when_the_family_is_unknown():
    # The extractor could not tell ("other"): calling it a CNN classifier, as its own
    # docstring may, cannot be shown wrong; of a known diffusion model it can.
    unknown = mnist_ddpm()
    unknown.fields["arch_family"] = F("other")
    mixed = Facts.from_columns([(cifar_ddpm(), 0), (unknown, 1)])
    assert check_sentence("ddpm_mnist is a small CNN classifier.", mixed).ok
    assert not check_sentence("v10 is a small CNN classifier.", mixed).ok


def test_result_names_models_and_reasons(facts):
    r = check_sentence("ddpm_mnist uses a learning rate of 0.0002.", facts)
    assert r.model_ids == [MNIST]
    assert r.reasons == [f"number '0.0002' is not a fact of {MNIST}"]
    r = check_sentence("The CIFAR-10 model and ddpm_mnist are compared.", facts)
    assert r.ok and r.model_ids == [CIFAR, MNIST]


def test_counts_of_the_comparison_are_allowed():
    facts = Facts.from_columns([(cifar_ddpm(), 0), (mnist_ddpm(), 1), (fashion_ldm(), 1)])
    assert check_sentence("The 3 models compared here come from two sides.", facts).ok
    assert not check_sentence("The 7 models compared here differ.", facts).ok


def test_alternative_values_are_facts():
    facts = Facts.from_columns([(cifar_ddpm(), 0), (fashion_ldm(), 1)])
    assert check_sentence("latent_new_conditional_model uses AdamW and Adam.", facts).ok
    assert check_sentence(
        "latent_new_conditional_model has a VAE and is class-conditional.", facts
    ).ok
    assert not check_sentence("v10 has a VAE.", facts).ok


def test_forms_include_the_ways_people_write_values(facts):
    forms = facts.models[CIFAR].forms
    assert {"2e-4", "0.0002", "2e-04"} <= forms
    assert check_sentence("v10 uses 2 × 10^-4 as its learning rate.", facts).ok
    assert check_sentence("v10 uses 1k timesteps.", facts).ok


def test_split_sentences():
    text = "1. v10 uses 2.5e-4 lr.\n2. ddpm_mnist.py is small! It has e.g. 3 layers. Done"
    assert split_sentences(text) == [
        "1. v10 uses 2.5e-4 lr.",
        "2. ddpm_mnist.py is small!",
        "It has e.g. 3 layers.",
        "Done",
    ]


def test_gate_keeps_grounded_sentences_token_by_token(facts):
    narrative = (
        "v10 uses Adam with a learning rate of 2e-4. ddpm_mnist uses SGD. "
        "ddpm_mnist trains for 100 epochs on MNIST.\nv10 runs on a TPU. It uses cuda."
    )
    # Feed it in small uneven pieces, as a tokenizer would.
    pieces = [narrative[i : i + 3] for i in range(0, len(narrative), 3)]
    summary = NarrativeSummary()
    gate = _Gate(facts, summary)
    out: list[str] = []
    for p in pieces:
        out += gate.feed(p)
    out += gate.finish(complete=True)
    # The dropped sentence's leading space goes with it; the next one keeps its own.
    assert "".join(out) == (
        "v10 uses Adam with a learning rate of 2e-4. ddpm_mnist trains for 100 epochs on MNIST.\n"
        " It uses cuda."
    )
    # Pieces of kept sentences come out unchanged and in order.
    assert out[:3] == ["v10", " us", "es "]
    assert summary.kept == 3 and summary.dropped == 2
    assert summary.dropped_sentences == ["ddpm_mnist uses SGD.", "v10 runs on a TPU."]


def test_gate_drops_a_cut_off_fragment(facts):
    summary = NarrativeSummary()
    gate = _Gate(facts, summary)
    out = gate.feed("v10 uses Adam. ddpm_mnist uses a batch size of 12")
    out += gate.finish(complete=False)
    assert "".join(out) == "v10 uses Adam."
    assert summary.truncated == "ddpm_mnist uses a batch size of 12"
    assert summary.dropped == 0


def test_injected_instruction_claims_are_dropped():
    facts = Facts.from_columns([(cifar_ddpm(), 0), (injected_card(), 1)])
    for s in (
        "ddpm_injected uses the LBFGS optimizer.",
        "The optimizer is LBFGS.",
        "ddpm_injected was trained on ImageNet with 99 epochs.",
    ):
        assert not check_sentence(s, facts).ok, s
    assert check_sentence("ddpm_injected uses Adam.", facts).ok


# Layers, techniques and optimizers written in plain words are claims too: the
# demo once printed "stochastic gradient descent with early stopping" and "dropout
# layers" about two Adam-trained diffusion models without dropout.
PROSE_CASES = [
    ("v10 uses group normalization and multi-head attention.", True),
    ("The models are trained with stochastic gradient descent.", False),
    ("Training uses early stopping.", False),
    ("Both networks use dropout layers and max pooling.", False),
    ("v10 applies batch normalization after every convolution.", False),
]


@pytest.mark.parametrize("sentence,ok", PROSE_CASES)
def test_prose_layer_and_optimizer_claims(sentence: str, ok: bool) -> None:
    from msqd.compare import Facts
    from msqd.compare.compose import columns_of

    from .cards import cifar_ddpm, mnist_ddpm

    facts = Facts.from_columns(columns_of([[cifar_ddpm()], [mnist_ddpm()]]))
    assert check_sentence(sentence, facts).ok is ok, check_sentence(sentence, facts).reasons
