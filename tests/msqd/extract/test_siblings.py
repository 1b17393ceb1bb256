"""Following the project's own modules and config files (parsed, never imported)."""

from __future__ import annotations

from pathlib import Path

from msqd.extract import extract_file


def test_import_from_parent_folder_of_the_project(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    (proj / "scripts").mkdir(parents=True)
    (proj / "nets.py").write_text(
        "import torch.nn as nn\n"
        "class Block(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.c = nn.Conv2d(3, 3, 3)\n"
        "class Generator(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.blocks = nn.ModuleList([Block() for _ in range(3)])\n"
        "class Unused(nn.Module):\n"
        "    pass\n"
        "raise SystemExit('importing this module would exit')\n"
    )
    script = proj / "scripts" / "train.py"
    script.write_text("import torch\nfrom nets import Generator\nG = Generator()\n")
    card = extract_file(script, tmp_path)
    assert card.status == "ok", card.message
    comps = {c.name: c for c in card.components}
    assert set(comps) == {"Generator", "Block"}
    assert comps["Generator"].uses == ["Block"]
    assert comps["Block"].layers == {"Conv2d": 1}
    assert comps["Generator"].file == str(proj / "nets.py")


def test_module_import_and_missing_sibling(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "models.py").write_text(
        "from tensorflow import keras\n"
        "class Tiny(keras.Model):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.d = keras.layers.Dense(3)\n"
    )
    s = tmp_path / "p" / "run.py"
    s.write_text("import models\nimport helpers_that_do_not_exist\nm = models.Tiny()\n")
    card = extract_file(s, tmp_path)
    assert [(c.name, c.layers) for c in card.components] == [("Tiny", {"Dense": 1})]


def test_yaml_config_through_argparse_path(tmp_path: Path) -> None:
    (tmp_path / "exp").mkdir()
    (tmp_path / "exp" / "cfg.yml").write_text(
        "optim:\n  lr: 2.5e-4   # tuned\n  name: adamw\nloader:\n  batch_size: 24\n"
    )
    s = tmp_path / "exp" / "main.py"
    s.write_text(
        "import argparse, yaml, torch\n"
        "p = argparse.ArgumentParser()\n"
        "p.add_argument('--config', default='cfg.yml')\n"
        "args = p.parse_args()\n"
        "cfg = yaml.safe_load(open(args.config))\n"
        "opt = torch.optim.AdamW(m.parameters(), lr=cfg['optim']['lr'])\n"
        "dl = torch.utils.data.DataLoader(ds, batch_size=cfg['loader']['batch_size'])\n"
    )
    card = extract_file(s, tmp_path)
    lr = card.fields["learning_rate"]
    assert (lr.value, lr.how, lr.line, lr.file) == (
        2.5e-4,
        "config-file",
        2,
        str(tmp_path / "exp" / "cfg.yml"),
    )
    assert card.fields["batch_size"].value == 24
