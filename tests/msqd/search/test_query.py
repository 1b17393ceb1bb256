"""Reading loose questions: implied constraints, typos, free text and comparison sides."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msqd.search.filterlang import card_getter
from msqd.search.query import Constraint, read_query
from msqd.search.terms import correct_typo

MNIST_FAMILY = ("MNIST", "Fashion-MNIST", "EMNIST", "KMNIST")


def S(field: str, value: object, source: str, op: str = "=") -> Constraint:
    """A soft constraint (vocabulary word)."""
    return Constraint(field, op, value, source, False)  # type: ignore[arg-type]


def H(field: str, op: str, value: object, source: str) -> Constraint:
    """A hard constraint (numeric condition or explicit operator)."""
    return Constraint(field, op, value, source, True)  # type: ignore[arg-type]


READINGS: list[tuple[str, str, list[Constraint]]] = [
    (
        "which of my models used SGD with lr above 0.01?",
        "SGD",
        [S("optimizer", "SGD", "SGD"), H("learning_rate", ">", 0.01, "lr above 0.01")],
    ),
    ("learning rate > 1e-3", "", [H("learning_rate", ">", 0.001, "learning rate > 1e-3")]),
    ("lr of 2e-4", "", [H("learning_rate", "=", 0.0002, "lr of 2e-4")]),
    ("more than 50 epochs", "", [H("epochs", ">", 50, "more than 50 epochs")]),
    ("at least 100 epochs", "", [H("epochs", ">=", 100, "at least 100 epochs")]),
    ("fewer than 10 epochs", "", [H("epochs", "<", 10, "fewer than 10 epochs")]),
    ("batch size 256", "", [H("batch_size", "=", 256, "batch size 256")]),
    (
        "gan with batch 128",
        "gan",
        [S("arch_family", "gan", "gan"), H("batch_size", "=", 128, "batch 128")],
    ),
    ("bs=64", "", [H("batch_size", "=", 64, "bs=64")]),
    ("under 1e-4 learning rate", "", [H("learning_rate", "<", 0.0001, "under 1e-4 learning rate")]),
    (
        "lr between 0.001 and 0.01",
        "",
        [
            H("learning_rate", ">=", 0.001, "lr between 0.001 and 0.01"),
            H("learning_rate", "<=", 0.01, "lr between 0.001 and 0.01"),
        ],
    ),
    (
        "between 0.001 and 0.01 learning rate",
        "",
        [
            H("learning_rate", ">=", 0.001, "between 0.001 and 0.01 learning rate"),
            H("learning_rate", "<=", 0.01, "between 0.001 and 0.01 learning rate"),
        ],
    ),
    ("trained for 100 epochs", "", [H("epochs", "=", 100, "100 epochs")]),
    (
        "ddpm with 1000+ timesteps",
        "ddpm",
        [S("arch_family", "diffusion", "ddpm"), H("timesteps", ">=", 1000, "1000+ timesteps")],
    ),
    (
        "weight decay of 1e-4 and seed 42",
        "",
        [H("weight_decay", "=", 0.0001, "weight decay of 1e-4"), H("seed", "=", 42, "seed 42")],
    ),
    ("lr is at most 0.1", "", [H("learning_rate", "<=", 0.1, "lr is at most 0.1")]),
    ("cifar", "cifar", [S("dataset", "CIFAR-10", "cifar")]),
    ("models on cifar10", "cifar10", [S("dataset", "CIFAR-10", "cifar10")]),
    (
        "CIFAR-10 classifiers",
        "CIFAR-10 classifier",
        [
            S("dataset", "CIFAR-10", "CIFAR-10"),
            S("arch_family", "cnn-classifier", "classifiers (typo for classifier)"),
        ],
    ),
    ("fmnist", "fmnist", [S("dataset", "Fashion-MNIST", "fmnist")]),
    (
        "fashion mnist autoencoder",
        "fashion mnist autoencoder",
        [
            S("dataset", "Fashion-MNIST", "fashion mnist"),
            S("arch_family", "autoencoder", "autoencoder"),
        ],
    ),
    ("mnist", "mnist", [S("dataset", "MNIST", "mnist")]),
    (
        "mnist family gans",
        "mnist family gans",
        [S("dataset", MNIST_FAMILY, "mnist family", op="in"), S("arch_family", "gan", "gans")],
    ),
    (
        "mnist-like datasets",
        "mnist-like datasets",
        [S("dataset", MNIST_FAMILY, "mnist-like", op="in")],
    ),
    (
        "ddpm unet on cifar",
        "ddpm unet cifar",
        [
            S("arch_family", "diffusion", "ddpm"),
            S("arch_family", "unet", "unet"),
            S("dataset", "CIFAR-10", "cifar"),
        ],
    ),
    (
        "lstm text models in keras",
        "lstm text keras",
        [S("arch_family", "rnn-lstm", "lstm"), S("framework", "tensorflow-keras", "keras")],
    ),
    (
        "hugging face transformers",
        "hugging face transformers",
        [S("framework", "transformers", "hugging face transformers")],
    ),
    (
        "pytorch lightning scripts",
        "pytorch lightning",
        [S("framework", "lightning", "pytorch lightning")],
    ),
    (
        "sklearn or jax",
        "sklearn jax",
        [S("framework", "sklearn", "sklearn"), S("framework", "jax-flax", "jax")],
    ),
    (
        "models using adam or sgd",
        "adam sgd",
        [S("optimizer", ("Adam", "SGD"), "adam, sgd", op="in")],
    ),
    ("trained on GPU", "GPU", [S("device", "cuda", "GPU")]),
    ("cpu only", "cpu", [S("device", "cpu", "cpu only")]),
    ("vae on mps", "vae mps", [S("arch_family", "vae", "vae"), S("device", "mps", "mps")]),
    (
        "class-conditional diffusion",
        "class-conditional diffusion",
        [S("conditional", True, "class-conditional"), S("arch_family", "diffusion", "diffusion")],
    ),
    (
        "unconditional gan",
        "unconditional gan",
        [S("conditional", False, "unconditional"), S("arch_family", "gan", "gan")],
    ),
    (
        "transfer learning with a pretrained resnet",
        "transfer learning pretrained resnet",
        [
            S("pretrained", True, "transfer learning"),
            S("pretrained", True, "pretrained"),
            S("arch_family", "resnet", "resnet"),
        ],
    ),
    (
        "fine-tune bert",
        "fine-tune bert",
        [S("pretrained", True, "fine-tune"), S("arch_family", "transformer", "bert")],
    ),
    (
        "gpt trained from scratch",
        "gpt scratch",
        [S("arch_family", "language-model", "gpt"), S("pretrained", False, "trained from scratch")],
    ),
    (
        "mixed precision or fp16",
        "mixed precision fp16",
        [S("mixed_precision", True, "mixed precision"), S("mixed_precision", True, "fp16")],
    ),
    (
        "difusion on cifra10",
        "diffusion cifar10",
        [
            S("arch_family", "diffusion", "difusion (typo for diffusion)"),
            S("dataset", "CIFAR-10", "cifra10 (typo for cifar10)"),
        ],
    ),
    (
        "mnsit tranformer",
        "mnist transformer",
        [
            S("dataset", "MNIST", "mnsit (typo for mnist)"),
            S("arch_family", "transformer", "tranformer (typo for transformer)"),
        ],
    ),
    ("resnte", "resnet", [S("arch_family", "resnet", "resnte (typo for resnet)")]),
    ("gam vea", "gam vea", []),
    ("lighting conditions", "lighting conditions", []),
    (
        "optimizer = adam and dataset=cifar10",
        "",
        [
            H("optimizer", "=", "Adam", "optimizer = adam"),
            H("dataset", "=", "CIFAR-10", "dataset=cifar10"),
        ],
    ),
    ("modified > 2024-05-01", "", [H("modified", ">", "2024-05-01", "modified > 2024-05-01")]),
    ("hello world", "hello world", []),
    ("can you please show me my latest experiments", "latest experiments", []),
    ("", "", []),
    ("?!", "", []),
]


@pytest.mark.parametrize(("query", "text", "constraints"), READINGS)
def test_reading_of_a_plain_question(query: str, text: str, constraints: list[Constraint]) -> None:
    reading = read_query(query)
    assert not reading.is_comparison
    assert reading.sides == []
    assert reading.text == text
    assert reading.constraints == constraints


# (query, [(side summary, side constraints as (field, op, value, hard))...], shared summary)
Side = tuple[str, list[tuple[str, str, object, bool]]]
DIFF_CIFAR: Side = (
    "diffusion + CIFAR-10",
    [("arch_family", "=", "diffusion", False), ("dataset", "=", "CIFAR-10", False)],
)
DIFF_MNIST: Side = (
    "diffusion + MNIST",
    [("arch_family", "=", "diffusion", False), ("dataset", "=", "MNIST", False)],
)
GAN_MNIST: Side = (
    "gan + MNIST",
    [("arch_family", "=", "gan", False), ("dataset", "=", "MNIST", False)],
)
VAE_MNIST: Side = (
    "vae + MNIST",
    [("arch_family", "=", "vae", False), ("dataset", "=", "MNIST", False)],
)
GAN: Side = ("gan", [("arch_family", "=", "gan", False)])
VAE: Side = ("vae", [("arch_family", "=", "vae", False)])

COMPARISONS: list[tuple[str, list[Side]]] = [
    ("diffusion cifar vs mnist", [DIFF_CIFAR, DIFF_MNIST]),
    ("diffusion cifar versus mnist", [DIFF_CIFAR, DIFF_MNIST]),
    ("diffusion cifar vs. mnist", [DIFF_CIFAR, DIFF_MNIST]),
    (
        "Can you please compare differences in architecture between my diffusion models on "
        "CIFAR-10 and MNIST?",
        [DIFF_CIFAR, DIFF_MNIST],
    ),
    ("diffusion on CIFAR-10 compared to MNIST", [DIFF_CIFAR, DIFF_MNIST]),
    (
        "how does my cifar diffusion model differ from the mnist one?",
        [
            (
                "CIFAR-10 + diffusion",
                [("dataset", "=", "CIFAR-10", False), ("arch_family", "=", "diffusion", False)],
            ),
            DIFF_MNIST,
        ],
    ),
    ("gan vs vae on mnist", [GAN_MNIST, VAE_MNIST]),
    ("compare gan with vae on mnist", [GAN_MNIST, VAE_MNIST]),
    ("compare gan to vae", [GAN, VAE]),
    ("compare gan and vae", [GAN, VAE]),
    ("differences between gan and vae", [GAN, VAE]),
    (
        "gan vs vae vs diffusion",
        [GAN, VAE, ("diffusion", [("arch_family", "=", "diffusion", False)])],
    ),
    ("compare gan, vae and diffusion on mnist", [GAN_MNIST, VAE_MNIST, DIFF_MNIST]),
    (
        "differences between pytorch and keras classifiers",
        [
            (
                "pytorch + cnn-classifier",
                [
                    ("framework", "=", "pytorch", False),
                    ("arch_family", "=", "cnn-classifier", False),
                ],
            ),
            (
                "tensorflow-keras + cnn-classifier",
                [
                    ("framework", "=", "tensorflow-keras", False),
                    ("arch_family", "=", "cnn-classifier", False),
                ],
            ),
        ],
    ),
    (
        "fashion mnist vs mnist",
        [
            ("Fashion-MNIST", [("dataset", "=", "Fashion-MNIST", False)]),
            ("MNIST", [("dataset", "=", "MNIST", False)]),
        ],
    ),
    (
        "gan on mnist vs diffusion",
        [GAN_MNIST, ("diffusion", [("arch_family", "=", "diffusion", False)])],
    ),
    (
        "what is the difference between adam and sgd on cifar10",
        [
            (
                "Adam + CIFAR-10",
                [("optimizer", "=", "Adam", False), ("dataset", "=", "CIFAR-10", False)],
            ),
            (
                "SGD + CIFAR-10",
                [("optimizer", "=", "SGD", False), ("dataset", "=", "CIFAR-10", False)],
            ),
        ],
    ),
    (
        "compare models with SGD and Adam",
        [
            ("SGD", [("optimizer", "=", "SGD", False)]),
            ("Adam", [("optimizer", "=", "Adam", False)]),
        ],
    ),
    (
        "lr 0.01 vs lr 0.001",
        [
            ("lr = 0.01", [("learning_rate", "=", 0.01, True)]),
            ("lr = 0.001", [("learning_rate", "=", 0.001, True)]),
        ],
    ),
    ("difusion cifra10 vs mnsit", [DIFF_CIFAR, DIFF_MNIST]),
    (
        "keras vs. pytorch versus jax",
        [
            ("tensorflow-keras", [("framework", "=", "tensorflow-keras", False)]),
            ("pytorch", [("framework", "=", "pytorch", False)]),
            ("jax-flax", [("framework", "=", "jax-flax", False)]),
        ],
    ),
]


@pytest.mark.parametrize(("query", "sides"), COMPARISONS)
def test_comparison_sides(query: str, sides: list[Side]) -> None:
    reading = read_query(query)
    assert reading.is_comparison
    got = [
        (s.summary, [(c.field, c.op, c.value, c.hard) for c in s.constraints])
        for s in reading.sides
    ]
    assert got == sides
    assert reading.summary == " vs ".join(s[0] for s in sides)
    # Whole-query constraints are exactly those every side shares.
    shared = [
        c for c in reading.sides[0].constraints if all(c in s.constraints for s in reading.sides)
    ]
    assert reading.constraints == shared


def test_side_labels_and_texts_keep_context_words() -> None:
    reading = read_query(
        "Can you please compare differences in architecture between my diffusion models on "
        "CIFAR-10 and MNIST?"
    )
    assert [s.label for s in reading.sides] == ["diffusion CIFAR-10", "MNIST"]
    assert [s.text for s in reading.sides] == [
        "architecture diffusion CIFAR-10",
        "architecture diffusion MNIST",
    ]
    assert reading.text == "architecture diffusion CIFAR-10 MNIST"
    assert reading.constraints == [S("arch_family", "diffusion", "diffusion")]


def test_shared_constraint_is_the_same_object_reading_on_every_side() -> None:
    reading = read_query("diffusion cifar vs mnist")
    assert [s.label for s in reading.sides] == ["diffusion cifar", "mnist"]
    assert [s.text for s in reading.sides] == ["diffusion cifar", "diffusion mnist"]


@pytest.mark.parametrize(
    "query",
    [
        "compare my diffusion models",
        "lr between 0.001 and 0.01",
        "vs",
        "compare , and",
        "diffusion models on cifar or mnist",
    ],
)
def test_not_a_comparison(query: str) -> None:
    assert not read_query(query).is_comparison


def test_constraints_become_filters_with_the_same_semantics() -> None:
    from msqd.card import Field, ModelCard

    card = ModelCard(model_id="x", path="/x.py", modified=1714600000.0)
    card.fields = {
        "learning_rate": Field(0.02),
        "dataset": Field("CIFAR-10 (cat, dog)"),
        "optimizer": Field("SGD"),
    }
    reading = read_query("which of my models used SGD on cifar with lr above 0.01?")
    get = card_getter(card)
    assert all(c.to_expr().matches(get) for c in reading.constraints)
    hard = reading.hard_filter()
    assert hard is not None and str(hard) == "learning_rate > 0.01"
    assert read_query("cifar").hard_filter() is None
    dated = read_query("modified >= 2024-05-01").constraints[0]
    assert dated.to_filter() == 'modified >= "2024-05-01"'


def test_summaries() -> None:
    assert read_query("SGD with lr above 0.01").summary == "SGD + lr > 0.01"
    assert read_query("class-conditional ddpm").summary == "class-conditional + diffusion"
    assert read_query("transfer learning with a pretrained resnet").summary == "pretrained + resnet"
    assert read_query("").summary == "all models"
    assert read_query("my weird experiment").summary == "weird experiment"
    # Classifier-free guidance is a conditional diffusion technique, not an image classifier.
    assert (
        read_query("class conditional diffusion with classifier free guidance").summary
        == "class-conditional + diffusion"
    )


def test_spans_point_into_the_question() -> None:
    q = "gan with lr of 2e-4 on fmnist"
    for c in read_query(q).constraints:
        assert q[c.span[0] : c.span[1]] == c.source


@pytest.mark.parametrize(
    ("word", "fixed"),
    [
        ("difusion", "diffusion"),
        ("cifra10", "cifar10"),
        ("mnsit", "mnist"),
        ("tranformer", "transformer"),
        ("diffsuion", "diffusion"),
        ("autoencodr", "autoencoder"),
        ("gam", None),
        ("adma", None),
        ("lighting", None),
        ("models", None),
        ("adams", None),
        ("pytroch", "pytorch"),
        ("tensorflw", "tensorflow"),
        ("zzzzzz", None),
    ],
)
def test_typo_correction_rules(word: str, fixed: str | None) -> None:
    assert correct_typo(word) == fixed


def test_reading_is_fast() -> None:
    q = (
        "Can you please compare differences in architecture between my diffusion models on "
        "CIFAR-10 and MNIST with lr above 1e-4?"
    )
    read_query(q)  # warm the typo cache as a running daemon would have
    start = time.perf_counter()
    for _ in range(100):
        read_query(q)
    assert (time.perf_counter() - start) / 100 < 0.005


QUERY_WORDS = st.sampled_from(
    [
        "vs",
        "compare",
        "between",
        "and",
        "with",
        ",",
        "lr",
        "above",
        "0.01",
        "1e-3",
        "epochs",
        "more",
        "than",
        "cifar",
        "mnist",
        "diffusion",
        "gan",
        "=",
        "bs",
        "(",
        ")",
        '"',
        "to",
        "differ",
        "from",
        "how",
        "does",
        "difusion",
        "+",
        "between",
        "modified",
        ">",
        "-",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_read_query_never_raises_on_random_text(text: str) -> None:
    reading = read_query(text)
    assert isinstance(reading.summary, str)
    for c in reading.constraints:
        c.to_expr()


@settings(max_examples=400, deadline=None)
@given(st.lists(QUERY_WORDS, max_size=14))
def test_read_query_never_raises_on_query_like_text(words: list[str]) -> None:
    reading = read_query(" ".join(words))
    if reading.is_comparison:
        assert len(reading.sides) >= 2
    for side in [reading, *reading.sides]:
        for c in side.constraints:
            c.to_expr()
