"""The optimizer a script builds is the one in the branch its defaults take."""

from __future__ import annotations

import textwrap

import pytest

from msqd.extract import extract_source

SRC = """
import argparse
import torch

p = argparse.ArgumentParser()
p.add_argument("--optim", default={default!r})
args = p.parse_args()
net = torch.nn.Linear(2, 2)
if args.optim{fold} == "sgd":
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
elif args.optim{fold} in ("adam", "adamw"):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
else:
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-2)
for x in loader:
    net(x).sum().backward()
    opt.step()
"""


@pytest.mark.parametrize(
    ("default", "fold", "want", "lr"),
    [
        ("sgd", "", "SGD", 0.1),
        ("adam", "", "Adam", 1e-3),
        ("Adam", ".lower()", "Adam", 1e-3),
        ("rmsprop", "", "RMSprop", 1e-2),
    ],
)
def test_the_default_branch_builds_the_optimizer(
    default: str, fold: str, want: str, lr: float
) -> None:
    card = extract_source(textwrap.dedent(SRC.format(default=default, fold=fold)))
    opt = card.fields["optimizer"]
    assert opt.value == want
    assert card.value("learning_rate") == lr
    # The other branches stay visible as what the code can build.
    assert {a.value for a in opt.alternatives} == {"SGD", "Adam", "RMSprop"} - {want}


def test_an_undecidable_test_keeps_the_last_optimizer() -> None:
    src = SRC.format(default="sgd", fold="").replace('default="sgd"', "required=True")
    src = src.replace("default='sgd'", "required=True")
    card = extract_source(textwrap.dedent(src))
    assert card.value("optimizer") == "RMSprop"
