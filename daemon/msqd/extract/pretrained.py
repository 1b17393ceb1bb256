"""Whether the model starts from pretrained weights (transfer learning, fine-tuning).

Read from the calls that load them, never from prose: a factory given
``pretrained=True`` or ``weights="imagenet"`` / ``ResNet18_Weights.DEFAULT``
(torchvision, timm, keras.applications, ``torch.hub.load``), a model class's
``from_pretrained(...)`` (transformers, diffusers; not a tokenizer's), a TF-Hub
layer. ``pretrained=False`` / ``weights=None`` on every factory is "from scratch".
A file with no such call states nothing: its own classes may still load a
checkpoint in a way static reading cannot see.
"""

from __future__ import annotations

import ast
import re

from ..card import Field
from .common import kwarg, resolve_at
from .index import CallSite, Index
from .resolve import Resolver
from .signals import CNN_ARCH_PATTERN

# from_pretrained on these loads no network weights.
_NOT_WEIGHTS = re.compile(r"Tokenizer|Processor|FeatureExtractor|Config|ImageProcessor|Scheduler")
_HUB_LAYERS = ("KerasLayer",)
_WEIGHT_NAMES = re.compile(r"(^|_)(DEFAULT|IMAGENET\w*|imagenet\w*)$")
_WEIGHT_STRINGS = re.compile(
    r"imagenet|default|1k|21k|coco|noisy.student|\.(h5|pth?|ckpt|safetensors)$|^https?://", re.I
)
# ``weights=`` is a model factory's only when the call builds a network (sklearn's
# KNeighborsClassifier(weights="distance"), np.average(weights=w) are not).
_FACTORY_MODULES = ("torchvision", "timm", "keras.applications", "tensorflow.keras.applications")
_FACTORY_NAMES = re.compile(
    CNN_ARCH_PATTERN + r"|^(resnet|resnext|wide_resnet|vit_|swin|deit|create_model|"
    r"ResNet|VGG|MobileNet|EfficientNet|DenseNet|Inception|Xception|NASNet|ConvNeXt)",
    re.I,
)


def _factory(cs: CallSite) -> bool:
    if cs.name.startswith(_FACTORY_MODULES) or ".applications." in cs.name:
        return True
    return cs.raw == "torch.hub.load" or bool(_FACTORY_NAMES.match(cs.last))


def _weights(r: Resolver, cs: CallSite) -> bool | None:
    """True/False for a factory call's ``pretrained=``/``weights=``, None when absent."""
    node = kwarg(cs.node, "pretrained")
    if node is not None:
        v = resolve_at(r, cs, node)
        if v is not None and isinstance(v.value, bool):
            return v.value
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True  # timm/pretrainedmodels: pretrained="imagenet"
        return None
    node = kwarg(cs.node, "weights")
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # weights="imagenet" / "DEFAULT" name pretrained weights whatever builds them
        # (Lightning's get_torchvision_model(name, weights="DEFAULT")).
        return bool(_WEIGHT_STRINGS.search(node.value)) or None
    if not _factory(cs):
        return None
    if isinstance(node, ast.Constant) and node.value is None:
        return False
    if isinstance(node, ast.Attribute):
        # ResNet18_Weights.DEFAULT, models.ViT_B_16_Weights.IMAGENET1K_V1
        return bool(_WEIGHT_NAMES.search(node.attr)) or None
    v = resolve_at(r, cs, node)
    if v is not None and isinstance(v.value, str):
        return bool(_WEIGHT_STRINGS.search(v.value)) or None
    if v is not None and v.value is None:
        return False
    return None


def pretrained_field(ix: Index, r: Resolver) -> Field | None:
    """``True`` (with the loading call) when the model starts from pretrained weights."""
    scratch: CallSite | None = None
    for cs in ix.calls:
        method = cs.raw.rsplit(".", 1)[-1]
        if method in ("from_pretrained", "from_single_file"):
            # The index names AutoModel.from_pretrained(...) by its class (cs.last).
            if "." in cs.raw and not _NOT_WEIGHTS.search(cs.last):
                return Field(True, cs.node.lineno, "literal", f"{cs.raw}(...)")
            continue
        if cs.last in _HUB_LAYERS and cs.name.startswith(("hub.", "tensorflow_hub")):
            return Field(True, cs.node.lineno, "literal", f"{cs.raw}(...)")
        if not cs.node.keywords:
            continue
        got = _weights(r, cs)
        if got is True:
            return Field(True, cs.node.lineno, "literal", f"{cs.raw}(pretrained weights)")
        if got is False and scratch is None:
            scratch = cs
    if scratch is not None:
        return Field(False, scratch.node.lineno, "literal", f"{scratch.raw}(no pretrained weights)")
    return None
