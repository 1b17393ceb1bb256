"""skorch and fastai build the optimizer themselves: their arguments and defaults."""

from __future__ import annotations

import textwrap

import pytest

from msqd.extract import extract_source

SKORCH = """
    import skorch, torch
    net = skorch.NeuralNetClassifier(Module(), {kwargs})
    net.fit(X_train, y_train)
"""


@pytest.mark.parametrize(
    ("kwargs", "want"),
    [
        # optuna-examples' skorch_simple.py: max_epochs and lr given, the rest default.
        ("max_epochs=20, lr=0.1", ("SGD", 0.1, 128, 20, "framework-default")),
        (
            "optimizer=torch.optim.Adam, lr=3e-4, batch_size=64",
            ("Adam", 3e-4, 64, 10, "literal"),
        ),
        ("", ("SGD", 0.01, 128, 10, "framework-default")),
    ],
)
def test_skorch_net_arguments_and_defaults(kwargs: str, want: tuple) -> None:
    c = extract_source(textwrap.dedent(SKORCH.format(kwargs=kwargs)))
    got = tuple(c.value(k) for k in ("optimizer", "learning_rate", "batch_size", "epochs"))
    assert (*got, c.fields["optimizer"].how) == want


def test_skorch_optimizer_the_resolver_cannot_read_says_nothing() -> None:
    c = extract_source(textwrap.dedent(SKORCH.format(kwargs="optimizer=pick(), lr=0.1")))
    assert c.value("optimizer") is None


FASTAI = """
    from fastai.vision.all import Learner, SGD
    learn = Learner(dls, model, {kwargs})
    other.fit(X, y)
    learn.{fit}
"""


@pytest.mark.parametrize(
    ("kwargs", "fit", "want"),
    [
        # optuna-examples' fastai_simple.py: Learner(dls, model, metrics=...).fit(EPOCHS).
        ("metrics=accuracy", "fit(10)", ("Adam", 1e-3, "framework-default")),
        ("opt_func=SGD", "fit_one_cycle(5, lr_max=0.1)", ("SGD", 0.1, "literal")),
        ("lr=3e-3", "fit(5)", ("Adam", 3e-3, "framework-default")),
        ("metrics=accuracy", "fine_tune(3)", ("Adam", None, "framework-default")),
    ],
)
def test_fastai_learner_optimizer_and_rate(kwargs: str, fit: str, want: tuple) -> None:
    c = extract_source(textwrap.dedent(FASTAI.format(kwargs=kwargs, fit=fit)))
    got = (c.value("optimizer"), c.value("learning_rate"), c.fields["optimizer"].how)
    assert got == want


@pytest.mark.parametrize(
    ("call", "want"),
    [
        ("tf.train.AdamOptimizer()", 0.001),
        ("tf.train.AdamOptimizer(0.01)", 0.01),
        ("tf.train.GradientDescentOptimizer(lr)", None),
    ],
)
def test_tf1_adam_trains_at_its_default_rate(call: str, want: float | None) -> None:
    # udacity's Transfer_Learning_Solution: tf.train.AdamOptimizer().minimize(cost).
    src = f"import tensorflow as tf\nopt = {call}.minimize(cost)\n"
    assert extract_source(src).value("learning_rate") == want


@pytest.mark.parametrize(
    ("call", "want"),
    [
        # optuna-examples' sb3_simple.py: A2C(**kwargs), the rate sampled by the trial.
        ("A2C(**kwargs)", ("RMSprop", None)),
        ('A2C("MlpPolicy", env, use_rms_prop=False)', ("Adam", 7e-4)),
        ('PPO("MlpPolicy", env, learning_rate=1e-4)', ("Adam", 1e-4)),
        ('DQN("MlpPolicy", env)', ("Adam", 1e-4)),
        (
            'SAC("MlpPolicy", env, policy_kwargs=dict(optimizer_class=torch.optim.AdamW))',
            ("AdamW", 3e-4),
        ),
    ],
)
def test_stable_baselines3_policy_optimizer(call: str, want: tuple) -> None:
    src = f"import torch\nfrom stable_baselines3 import A2C, DQN, PPO, SAC\nm = {call}\nm.learn(1000)\n"
    c = extract_source(src)
    assert (c.value("optimizer"), c.value("learning_rate")) == want
