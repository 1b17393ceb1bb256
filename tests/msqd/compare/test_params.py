"""The parameter estimate against torch's own count of the same modules.

The module source is extracted statically (never run by msq); the test then runs it
with real torch and compares ``sum(p.numel())`` with the estimate.
"""

from __future__ import annotations

import textwrap

import pytest

from msqd.extract.core import extract_source

torch = pytest.importorskip("torch")

SIZED = textwrap.dedent(
    """
    import torch
    import torch.nn as nn

    CH = 48
    N_BLOCKS = 3

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(CH, CH, 3, padding=1)
            self.norm = nn.GroupNorm(8, CH)
            self.act = nn.SiLU()

    class Net(nn.Module):
        def __init__(self, n_classes=10, dim=64):
            super().__init__()
            self.inp = nn.Conv2d(3, CH, kernel_size=3, padding=1, bias=False)
            self.blocks = nn.ModuleList([Block() for _ in range(N_BLOCKS)])
            self.emb = nn.Embedding(n_classes, dim)
            self.attn = nn.MultiheadAttention(dim, 4)
            self.ln = nn.LayerNorm(dim)
            self.bn = nn.BatchNorm2d(CH)
            self.up = nn.ConvTranspose2d(CH, 16, 4, stride=2, padding=1)
            self.head = nn.Linear(dim, n_classes)
            self.drop = nn.Dropout(0.1)
    """
)

PARTLY = textwrap.dedent(
    """
    import torch.nn as nn

    class Head(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.fc = nn.Linear(width, 10)      # width comes from the caller: not sized
            self.fc2 = nn.Linear(10, 10)
    """
)


def _torch_count(src: str, cls: str, *args: object) -> int:
    ns: dict[str, object] = {}
    exec(compile(src, "<test>", "exec"), ns)  # the test's own source, run by the test
    model = ns[cls](*args)  # type: ignore[operator]
    return sum(p.numel() for p in model.parameters())


def test_estimate_equals_torch_when_every_layer_resolves() -> None:
    card = extract_source(SIZED, "/x/proj/net.py")
    est = card.param_estimate
    assert est is not None
    assert est.unsized == [] and est.unsized_layers == 0
    assert est.total == _torch_count(SIZED, "Net")
    assert 48 in est.channels and 64 in est.channels


def test_unresolved_layers_are_listed_not_counted() -> None:
    card = extract_source(PARTLY, "/x/proj/head.py")
    est = card.param_estimate
    assert est is not None
    assert est.unsized == ["Linear x1"] and est.unsized_layers == 1
    # Only the sized layer counts: Linear(10, 10).
    sized_only = _torch_count(
        "import torch.nn as nn\nclass M(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.a = nn.Linear(10, 10)\n",
        "M",
    )
    assert est.total == sized_only


def test_no_estimate_without_components_and_json_roundtrip() -> None:
    from msqd.card import ModelCard

    assert extract_source("x = 1\n", "/x/p/a.py").param_estimate is None
    card = extract_source(SIZED, "/x/proj/net.py")
    back = ModelCard.from_json(card.to_json())
    assert back.param_estimate == card.param_estimate
    assert "param_estimate" not in extract_source("x = 1\n", "/x/p/a.py").to_json()


def test_no_estimate_when_a_library_builds_a_whole_model() -> None:
    """A torchvision resnet18 inside a LightningModule holds ~11M parameters no layer
    call shows: no number beats a confident lower bound of a few thousand."""
    src = textwrap.dedent(
        """
        import torch.nn as nn
        import torchvision

        class LitResnet(nn.Module):
            def __init__(self):
                super().__init__()
                self.model = torchvision.models.resnet18(num_classes=10)
                self.head = nn.Linear(512, 10)
        """
    )
    assert extract_source(src, "lit_resnet.py").param_estimate is None
    own = src.replace("torchvision.models.resnet18(num_classes=10)", "nn.Linear(10, 512)")
    est = extract_source(own, "lit_resnet.py").param_estimate
    assert est is not None and est.total == 10 * 512 + 512 + 512 * 10 + 10
