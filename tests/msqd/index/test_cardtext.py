"""The texts a card is embedded and searched by."""

from __future__ import annotations

from msqd.card import Field, ModelCard
from msqd.index.cardtext import embedding_text


def _card(project: str) -> ModelCard:
    c = ModelCard(model_id="p/train", path=f"/home/u/{project}/train.py", project=project)
    c.description = "Sequence-to-sequence model in PyTorch trained on COCO."
    c.fields["dataset"] = Field("COCO", 3, "literal")
    return c


def test_the_project_name_is_embedded_in_words() -> None:
    # a-PyTorch-Tutorial-to-Image-Captioning's train.py says nothing of captions in
    # its code: the project's name is what tells a dense search it is captioning.
    text = embedding_text(_card("a-PyTorch-Tutorial-to-Image-Captioning"))
    assert text.endswith("project a PyTorch Tutorial to Image Captioning")
    assert ".." not in text


def test_no_project_adds_nothing() -> None:
    text = embedding_text(_card(""))
    assert text == "Sequence-to-sequence model in PyTorch trained on COCO"
