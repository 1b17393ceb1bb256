"""A Lightning run that sets no limit trains for the framework's 1000 epochs."""

from __future__ import annotations

import textwrap

import pytest

from msqd.extract import extract_source

HEAD = """
import lightning.pytorch as pl
from lightning.pytorch.cli import LightningCLI

class Net(pl.LightningModule):
    def training_step(self, batch, i):
        return self(batch).sum()
"""


def _epochs(tail: str) -> tuple[object, str | None]:
    card = extract_source(textwrap.dedent(HEAD) + textwrap.dedent(tail))
    f = card.fields.get("epochs")
    return (f.value, f.how) if f is not None else (None, None)


@pytest.mark.parametrize(
    ("tail", "want"),
    [
        ("pl.Trainer(accelerator='cpu').fit(Net())", (1000, "framework-default")),
        ("LightningCLI(Net)", (1000, "framework-default")),
        ("pl.Trainer(max_epochs=7).fit(Net())", (7, "literal")),
        # Step-counted, or limits from elsewhere: no epochs to report.
        ("pl.Trainer(max_steps=5000).fit(Net())", (None, None)),
        ("pl.Trainer(**vars(args)).fit(Net())", (None, None)),
    ],
)
def test_lightning_epochs(tail: str, want: tuple[object, str | None]) -> None:
    assert _epochs(tail) == want


def test_a_cli_subclass_takes_its_parser_default() -> None:
    tail = """
    class MyCLI(LightningCLI):
        def add_arguments_to_parser(self, parser):
            parser.set_defaults({"trainer.max_epochs": 15})

    MyCLI(Net)
    """
    assert _epochs(tail)[0] == 15


def test_a_trainer_of_another_library_gets_no_lightning_default() -> None:
    src = """
    from transformers import Trainer
    Trainer(model=m, args=a).train()
    """
    card = extract_source(textwrap.dedent(src))
    f = card.fields.get("epochs")
    assert f is None or f.value != 1000
