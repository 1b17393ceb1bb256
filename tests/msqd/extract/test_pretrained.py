"""Whether a model starts from pretrained weights, read from the call that loads them."""

from __future__ import annotations

import textwrap

import pytest

from msqd.extract import extract_source


def _pretrained(src: str) -> tuple[object, str] | None:
    f = extract_source(textwrap.dedent(src)).fields.get("pretrained")
    return None if f is None else (f.value, f.detail)


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("import torchvision\nm = torchvision.models.resnet18(pretrained=True)", True),
        (
            "from torchvision import models\nm = models.vgg16(weights=models.VGG16_Weights.DEFAULT)",
            True,
        ),
        ("import timm\nm = timm.create_model('vit_base_patch16_224', pretrained=True)", True),
        (
            "from tensorflow import keras\n"
            "b = keras.applications.MobileNetV2(include_top=False, weights='imagenet')",
            True,
        ),
        (
            "from transformers import AutoModelForSequenceClassification as M\n"
            "m = M.from_pretrained('bert-base-uncased', num_labels=2)",
            True,
        ),
        ("import tensorflow_hub as hub\nl = hub.KerasLayer('https://tfhub.dev/x/1')", True),
        # From scratch, said so.
        ("import torchvision\nm = torchvision.models.resnet50(weights=None)", False),
        (
            "import argparse, torchvision\np = argparse.ArgumentParser()\n"
            "p.add_argument('--pretrained', action='store_true')\nargs = p.parse_args()\n"
            "m = torchvision.models.resnet50(pretrained=args.pretrained)",
            False,
        ),
    ],
)
def test_pretrained_weights(src: str, want: bool) -> None:
    got = _pretrained(src)
    assert got is not None and got[0] is want


@pytest.mark.parametrize(
    "src",
    [
        # A tokenizer's from_pretrained loads no network weights.
        "from transformers import AutoTokenizer\nt = AutoTokenizer.from_pretrained('gpt2')",
        # weights= of things that are not networks.
        "from sklearn.neighbors import KNeighborsClassifier\nk = KNeighborsClassifier(weights='distance')",
        "import numpy as np\nm = np.average(x, weights=None)",
        # Nothing said: no field (own classes may load a checkpoint unseen).
        "import torch.nn as nn\nnet = nn.Linear(2, 2)",
    ],
)
def test_no_pretrained_field_without_a_weights_call(src: str) -> None:
    assert _pretrained(src) is None


def test_the_description_says_fine_tuned() -> None:
    src = """
    import torch, torchvision
    m = torchvision.models.resnet18(pretrained=True)
    opt = torch.optim.SGD(m.parameters(), lr=1e-3)
    for x, y in torch.utils.data.DataLoader(torchvision.datasets.CIFAR10("d"), batch_size=64):
        m(x).sum().backward()
        opt.step()
    """
    card = extract_source(textwrap.dedent(src))
    assert "fine-tuned from pretrained weights on CIFAR-10" in card.description
