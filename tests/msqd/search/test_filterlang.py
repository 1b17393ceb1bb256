"""The --filter language: matching semantics, canonical strings, exact error positions."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msqd.card import Field, ModelCard
from msqd.search.filterlang import (
    And,
    Compare,
    FilterSyntaxError,
    InList,
    card_getter,
    parse_filter,
)


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _card(model_id: str, fields: dict[str, object], **attrs: object) -> ModelCard:
    card = ModelCard(model_id=model_id, path=f"/src/{model_id}.py", **attrs)  # type: ignore[arg-type]
    card.fields = {k: Field(v) for k, v in fields.items()}  # type: ignore[arg-type]
    return card


CARDS = [
    _card(
        "cifar-ddpm",
        {
            "framework": ["pytorch"],
            "arch_family": ["diffusion", "unet"],
            "conditional": True,
            "dataset": "CIFAR-10 (cat, dog)",
            "batch_size": 128,
            "learning_rate": 2e-4,
            "optimizer": "Adam",
            "epochs": 100,
            "loss": "mse",
            "device": ["cuda", "mps", "cpu"],
            "mixed_precision": True,
            "timesteps": 1000,
        },
        project="Generative-CIFAR-10-Cat-Dog",
        size=12000,
        modified=_ts("2024-05-01T12:00:00"),
        created=_ts("2024-01-10T09:00:00"),
    ),
    _card(
        "mnist-gan",
        {
            "framework": ["pytorch"],
            "arch_family": ["gan"],
            "conditional": False,
            "pretrained": True,
            "dataset": "MNIST",
            "batch_size": 64,
            "learning_rate": 0.01,
            "optimizer": "SGD",
            "epochs": 50,
            "loss": ["bce", "l1"],
            "device": ["cpu"],
            "weight_decay": 1e-4,
        },
        size=3000,
        modified=_ts("2023-12-31T23:00:00"),
    ),
    _card(
        "fmnist-vae",
        {
            "framework": ["tensorflow-keras"],
            "arch_family": ["vae"],
            "dataset": "Fashion-MNIST",
            "batch_size": 256,
            "learning_rate": 1e-3,
            "optimizer": "adam",
            "epochs": 20,
            "device": ["cuda"],
            "image_size": "28x28",
        },
        size=5000,
        modified=_ts("2024-06-15T08:00:00"),
    ),
    _card("broken", {}, status="error", size=10, modified=0.0),
]
A, B, C, D = "cifar-ddpm", "mnist-gan", "fmnist-vae", "broken"

MATCHES: list[tuple[str, set[str]]] = [
    ('dataset = "CIFAR-10"', {A}),
    ("dataset = cifar10", {A}),
    ("data = 'cifar'", {A}),
    ('dataset = "CIFAR-10 (cat, dog)"', {A}),
    ('dataset = "cifar-10 (DOG, cat)"', {A}),
    ('dataset = "CIFAR-10 (cat, frog)"', set()),
    ("dataset = cifar-100", set()),
    ("dataset = mnist", {B}),
    ("dataset = fmnist", {C}),
    ("dataset in (mnist, fashion-mnist)", {B, C}),
    ("dataset != mnist", {A, C}),
    ("not dataset = mnist", {A, C, D}),
    ("optimizer = sgd", {B}),
    ("opt = ADAM", {A, C}),
    ("lr >= 0.01", {B}),
    ("lr > 1e-3", {B}),
    ("lr <= 1e-3", {A, C}),
    ("learning_rate = 0.001", {C}),
    ("lr == 2e-4", {A}),
    ("bs = 128", {A}),
    ("batch >= 128", {A, C}),
    ("epochs < 50", {C}),
    ("epochs not in (50, 100)", {C}),
    ("framework = torch", {A, B}),
    ("fw = keras", {C}),
    ("arch = unet", {A}),
    ("architecture = ddpm", {A}),
    ("arch in (gan, vae)", {B, C}),
    ("hw = gpu", {A, C}),
    ("device != cuda", {B}),
    ("hardware = cpu and not device = cuda", {B}),
    ("conditional = true", {A}),
    ("conditional = false", {B}),
    ("pretrained = true", {B}),
    ("transfer = true", {B}),
    ("not exists pretrained", {A, C, D}),
    ("mixed_precision = true", {A}),
    ("exists weight_decay", {B}),
    ("not exists wd", {A, C, D}),
    ("wd != 0.1", {B}),
    ("loss = L1", {B}),
    ("loss ~ ms", {A}),
    ("id contains GAN", {B}),
    ('path ~ "ddpm.py"', {A}),
    ("project = generative-cifar-10-cat-dog", {A}),
    ("status = error", {D}),
    ("size > 10000", {A}),
    ("image_size = 28", {C}),
    ("timesteps >= 1000", {A}),
    ("modified >= 2024-05-01", {A, C}),
    ("modified = 2024-05-01", {A}),
    ("modified < 2024-01-01", {B, D}),
    ("modified <= 2024-05-01", {A, B, D}),
    ("created > 2024-01-01", {A}),
    ('dataset = "CIFAR-10" and (optimizer = "SGD" or lr >= 0.01)', set()),
    ('dataset = "CIFAR-10" or (optimizer = "SGD" and lr >= 0.01)', {A, B}),
    ("not (fw = pytorch or fw = keras)", {D}),
    ("optimizer ~ ada and not dataset ~ fashion", {A}),
    ("language = PY", {A, B, C, D}),
]


@pytest.mark.parametrize(("text", "expected"), MATCHES)
def test_filter_selects_expected_cards(text: str, expected: set[str]) -> None:
    expr = parse_filter(text)
    assert {c.model_id for c in CARDS if expr.matches(card_getter(c))} == expected


CANONICAL: list[tuple[str, str]] = [
    (
        'dataset = "CIFAR-10" and (optimizer = "SGD" or lr >= 0.01)',
        'dataset = "CIFAR-10" and (optimizer = "SGD" or learning_rate >= 0.01)',
    ),
    ("opt=sgd", 'optimizer = "sgd"'),
    ("bs == 64", "batch_size = 64"),
    ("lr > 1e-3", "learning_rate > 0.001"),
    ("lr < 1E-5", "learning_rate < 1e-05"),
    ("fw in (torch, 'keras')", 'framework in ("torch", "keras")'),
    ("data NOT IN (mnist)", 'dataset not in ("mnist")'),
    ("not (data = x or data = y)", 'not (dataset = "x" or dataset = "y")'),
    ("NOT not exists seed", "not not exists seed"),
    ("exists wd", "exists weight_decay"),
    ("id contains gan", 'model_id ~ "gan"'),
    ("modified >= 2024-05-01", 'modified >= "2024-05-01"'),
    ("conditional = TRUE", "conditional = true"),
    (r'path ~ "a\"b"', r'path ~ "a\"b"'),
    ("epochs = '100'", "epochs = 100"),
    ("bs = 1 and (lr = 2 and wd = 3)", "batch_size = 1 and learning_rate = 2 and weight_decay = 3"),
    ("(bs = 1 or lr = 2) and wd = 3", "(batch_size = 1 or learning_rate = 2) and weight_decay = 3"),
    ("status = 1e-3", 'status = "1e-3"'),
]


@pytest.mark.parametrize(("text", "canonical"), CANONICAL)
def test_canonical_string_round_trips(text: str, canonical: str) -> None:
    expr = parse_filter(text)
    assert str(expr) == canonical
    assert parse_filter(canonical) == expr


ERRORS: list[tuple[str, str, int, str]] = [
    ('dataset = "CIFAR-10" and (optimizer = "SGD" or lr >= 0.01))', "unexpected ')'", 58, ")"),
    ("lr >", "expected a value but found end of filter", 4, ""),
    ("", "empty filter", 0, ""),
    ("   ", "empty filter", 3, ""),
    ("(lr > 1", "expected ')' but found end of filter", 7, ""),
    ("lrr > 1", "unknown field 'lrr'", 0, "lrr"),
    ("lr = high", "expected a number for learning_rate but found 'high'", 5, "high"),
    ('dataset = "CIFAR', "unterminated string", 10, '"'),
    ("lr @ 3", "unexpected character '@'", 3, "@"),
    ("dataset mnist", "expected an operator after dataset but found 'mnist'", 8, "mnist"),
    ("dataset not mnist", "expected an operator after dataset but found 'not'", 8, "not"),
    ("and lr > 1", "expected a field name but found 'and'", 0, "and"),
    ("lr > 1 and", "expected a field name but found end of filter", 10, ""),
    ("lr > 1 or or bs = 2", "expected a field name but found 'or'", 10, "or"),
    ("dataset in mnist", "expected '(' but found 'mnist'", 11, "mnist"),
    ("dataset in (mnist,)", "expected a value but found ')'", 18, ")"),
    ("dataset in (mnist cifar)", "expected ')' but found 'cifar'", 18, "cifar"),
    ("modified > yesterday", "expected a date (YYYY-MM-DD) for modified", 11, "yesterday"),
    ("conditional > true", "conditional is true/false and cannot be ordered", 14, "true"),
    ("lr > 1e999", "number out of range", 5, "1e999"),
    ("exists", "expected a field name but found end of filter", 6, ""),
    ("exists foo", "unknown field 'foo'", 7, "foo"),
    ("not", "expected a field name but found end of filter", 3, ""),
    ("lr > 1 bs = 2", "unexpected 'bs'", 7, "bs"),
    ("dataset = and", "expected a value but found 'and'", 10, "and"),
    ("lr = = 1", "expected a value but found '='", 5, "="),
    ("bs = 1 )", "unexpected ')'", 7, ")"),
    ("(" * 70 + "bs = 1" + ")" * 70, "filter nested too deeply", 64, "("),
]


@pytest.mark.parametrize(("text", "message", "position", "token"), ERRORS)
def test_syntax_errors_point_at_the_bad_token(
    text: str, message: str, position: int, token: str
) -> None:
    with pytest.raises(FilterSyntaxError) as info:
        parse_filter(text)
    err = info.value
    assert (err.position, err.token) == (position, token)
    assert str(err).startswith(f"{message}")
    assert f"at column {position + 1}" in str(err)


def test_error_message_and_caret_match_the_documented_shape() -> None:
    text = 'dataset = "CIFAR-10" and (optimizer = "SGD" or lr >= 0.01))'
    with pytest.raises(FilterSyntaxError) as info:
        parse_filter(text)
    assert str(info.value) == "unexpected ')' at column 59"
    assert info.value.caret() == text + "\n" + " " * 58 + "^"


def test_unknown_field_suggests_the_closest_and_lists_valid_fields() -> None:
    with pytest.raises(FilterSyntaxError) as info:
        parse_filter("optimzer = adam")
    msg = str(info.value)
    assert "did you mean 'optimizer'?" in msg
    assert "valid fields: arch_family, batch_size" in msg
    assert "weight_decay" in msg


def test_fields_reports_canonical_names() -> None:
    expr = parse_filter("lr > 0.1 and (bs = 2 or not exists hw) and data in (mnist)")
    assert expr.fields() == {"learning_rate", "batch_size", "device", "dataset"}


def test_structure_of_a_parse() -> None:
    expr = parse_filter("fw = torch and dataset not in (mnist, 'cifar')")
    assert expr == And(
        (Compare("framework", "=", "torch"), InList("dataset", ("mnist", "cifar"), negate=True))
    )


def test_missing_values_make_every_comparison_false() -> None:
    def get(name: str) -> object:
        return None

    for text in ("lr != 1", "dataset != mnist", "epochs not in (1)", "loss ~ x", "lr < 1"):
        assert not parse_filter(text).matches(get), text
    assert parse_filter("not lr = 1").matches(get)


def test_getter_works_over_plain_dicts() -> None:
    row = {"learning_rate": "3e-4", "dataset": "cifar10", "device": []}
    expr = parse_filter("lr < 0.001 and dataset = CIFAR-10 and not exists hw")
    assert expr.matches(row.get)


FILTER_WORDS = st.sampled_from(
    [
        "lr",
        "bs",
        "dataset",
        "modified",
        "conditional",
        "path",
        "=",
        "!=",
        ">=",
        "<",
        "~",
        "(",
        ")",
        ",",
        "and",
        "or",
        "not",
        "in",
        "exists",
        "contains",
        "1e-3",
        "256",
        "'x y'",
        '"q"',
        "mnist",
        "true",
        "2024-05-01",
        "-",
        "@",
        '"',
        "nope",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_raises_only_filter_syntax_errors(text: str) -> None:
    try:
        parse_filter(text)
    except FilterSyntaxError as err:
        assert 0 <= err.position <= len(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(FILTER_WORDS, max_size=12))
def test_whatever_parses_round_trips(words: list[str]) -> None:
    try:
        expr = parse_filter(" ".join(words))
    except FilterSyntaxError:
        return
    assert parse_filter(str(expr)) == expr
    assert expr.matches(card_getter(CARDS[0])) in (True, False)
