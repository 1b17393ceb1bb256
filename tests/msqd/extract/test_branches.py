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


def test_flags_none_checks_and_conditional_expressions() -> None:
    # The image-captioning tutorial: the encoder's optimizer is built only when
    # fine-tuning (off by default), and the checkpoint branch does not run.
    src = textwrap.dedent("""
        import torch
        checkpoint = None
        fine_tune_encoder = False
        def main():
            global checkpoint
            if checkpoint is None:
                dec_opt = torch.optim.Adam(decoder.parameters(), lr=4e-4)
                enc_opt = torch.optim.Adam(encoder.parameters(),
                                           lr=1e-4) if fine_tune_encoder else None
            else:
                if fine_tune_encoder is True and enc_opt is None:
                    enc_opt = torch.optim.Adam(encoder.parameters(), lr=1e-4)
            loss.backward()
            dec_opt.step()
        main()
    """)
    c = extract_source(src)
    assert (c.value("optimizer"), c.value("learning_rate")) == ("Adam", 0.0004)


def test_a_store_true_switch_picks_the_other_optimizer() -> None:
    # WassersteinGAN: Adam only with --adam.
    src = textwrap.dedent("""
        import argparse, torch
        p = argparse.ArgumentParser()
        p.add_argument("--adam", action="store_true")
        opt = p.parse_args()
        if opt.adam:
            optimizerD = torch.optim.Adam(netD.parameters(), lr=1e-4)
            optimizerG = torch.optim.Adam(netG.parameters(), lr=1e-4)
        else:
            optimizerD = torch.optim.RMSprop(netD.parameters(), lr=5e-5)
            optimizerG = torch.optim.RMSprop(netG.parameters(), lr=5e-5)
        errD.backward()
        optimizerD.step()
        errG.backward()
        optimizerG.step()
    """)
    c = extract_source(src)
    assert (c.value("optimizer"), c.value("learning_rate")) == ("RMSprop", 5e-05)
