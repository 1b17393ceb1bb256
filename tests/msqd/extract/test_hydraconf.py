"""Hydra apps: values from the config ``@hydra.main`` composes, and bad config files
cost their values with a message, never the card."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from msqd.extract import extract_file

TRAIN = """\
import hydra
from omegaconf import DictConfig
import lightning as L

@hydra.main(version_base="1.3", config_path="../configs", config_name="train.yaml")
def main(cfg: DictConfig) -> None:
    datamodule = hydra.utils.instantiate(cfg.data)
    model = hydra.utils.instantiate(cfg.model)
    trainer = hydra.utils.instantiate(cfg.trainer)
    trainer.fit(model=model, datamodule=datamodule)

if __name__ == "__main__":
    main()
"""


def _project(tmp: Path, *, experiment: bool = False) -> Path:
    cfg = tmp / "proj" / "configs"
    for group in ("data", "model", "trainer", "experiment", "hydra"):
        (cfg / group).mkdir(parents=True)
    (cfg / "train.yaml").write_text(
        "# @package _global_\n"
        "defaults:\n"
        "  - _self_\n"
        "  - data: cifar\n"
        "  - model: resnet\n"
        "  - trainer: default\n"
        "  - hydra: default\n"
        "  - optional local: default\n"
        f"  - experiment: {'big' if experiment else 'null'}\n"
        "seed: 12345\n"
    )
    (cfg / "data" / "cifar.yaml").write_text(
        "_target_: src.data.cifar10_datamodule.CIFAR10DataModule\n"
        "data_dir: ${paths.data_dir}\n"
        "batch_size: 64\n"
    )
    (cfg / "model" / "resnet.yaml").write_text(
        "_target_: src.models.resnet_module.ResNetModule\n"
        "optimizer:\n  _target_: torch.optim.SGD\n  _partial_: true\n  lr: 0.05\n"
        "scheduler:\n  _target_: torch.optim.lr_scheduler.StepLR\n  gamma: 0.1\n"
    )
    (cfg / "trainer" / "default.yaml").write_text(
        "_target_: lightning.pytorch.trainer.Trainer\nmax_epochs: 30\naccelerator: gpu\n"
    )
    (cfg / "hydra" / "default.yaml").write_text("defaults:\n  - override hydra_logging: colorlog\n")
    (cfg / "experiment" / "big.yaml").write_text(
        "# @package _global_\ndata:\n  batch_size: 512\ntrainer:\n  max_epochs: 90\n"
    )
    src = tmp / "proj" / "src"
    src.mkdir()
    (src / "train.py").write_text(TRAIN)
    return src / "train.py"


def test_values_come_from_the_composed_config(tmp_path: Path) -> None:
    card = extract_file(_project(tmp_path), tmp_path)
    got = {k: card.value(k) for k in ("batch_size", "learning_rate", "optimizer", "epochs")}
    assert got == {"batch_size": 64, "learning_rate": 0.05, "optimizer": "SGD", "epochs": 30}
    assert card.value("dataset") == "CIFAR-10"
    assert card.value("device") == ["cuda"]
    f = card.fields["batch_size"]
    assert (f.how, f.detail, f.line) == ("config-file", "data.batch_size", 3)
    assert f.file is not None and f.file.endswith(os.path.join("data", "cifar.yaml"))
    # Absent optional files and plugins' override configs are not problems.
    assert card.status == "ok" and "could not be read" not in (card.message or "")


def test_a_global_experiment_overrides_its_groups(tmp_path: Path) -> None:
    card = extract_file(_project(tmp_path, experiment=True), tmp_path)
    assert card.value("batch_size") == 512 and card.value("epochs") == 90
    assert card.fields["epochs"].file.endswith("big.yaml")


@pytest.mark.parametrize("damage", ["missing", "malformed", "huge", "loop"])
def test_a_bad_group_file_costs_its_values_with_a_message(tmp_path: Path, damage: str) -> None:
    train = _project(tmp_path)
    bad = tmp_path / "proj" / "configs" / "data" / "cifar.yaml"
    bad.unlink()
    if damage == "malformed":
        bad.write_bytes(b"\xff\xfe[\x00{{{: :")
    elif damage == "huge":
        bad.write_text("batch_size: 64\n" + "# pad\n" * 60_000)
    elif damage == "loop":
        os.symlink(bad, bad)
    card = extract_file(train, tmp_path)
    assert card.status in ("ok", "partial")
    assert card.value("epochs") == 30  # the other groups still count
    assert card.value("batch_size") is None
    if damage != "malformed":
        assert "hydra config cifar.yaml could not be read" in card.message
