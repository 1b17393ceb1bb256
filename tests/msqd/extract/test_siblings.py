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


def test_entry_point_that_runs_a_sibling_training_loop_is_the_trainer(tmp_path: Path) -> None:
    """``train.py`` calling ``engine.train(...)`` trains; ``engine.py``, whose loop
    nothing in it runs, is a helper; an agent module stepping an optimizer makes the
    script that drives the agent the trainer."""
    p = tmp_path / "proj"
    p.mkdir()
    (p / "engine.py").write_text(
        "import torch\n"
        "def train_step(model, batch, opt):\n"
        "    loss = model(batch).mean()\n"
        "    loss.backward()\n"
        "    opt.step()\n"
        "def train(model, loader, opt, epochs):\n"
        "    for _ in range(epochs):\n"
        "        for b in loader:\n"
        "            train_step(model, b, opt)\n"
        "def evaluate(model, loader):\n"
        "    return [model(b) for b in loader]\n"
    )
    (p / "agent.py").write_text(
        "import torch\n"
        "class Agent:\n"
        "    def __init__(self, net):\n"
        "        self.opt = torch.optim.Adam(net.parameters())\n"
        "    def step(self, s, a, r):\n"
        "        self.learn(r)\n"
        "    def learn(self, r):\n"
        "        self.opt.zero_grad(); r.backward(); self.opt.step()\n"
    )
    (p / "train.py").write_text("import torch\nimport engine\nengine.train(None, [], None, 3)\n")
    (p / "evaluate.py").write_text("import engine\nprint(engine.evaluate(None, []))\nx = len([])\n")
    (p / "run_agent.py").write_text(
        "from agent import Agent\nagent = Agent(None)\nfor t in range(3):\n    agent.step(1, 2, 3)\n"
    )
    role = {n: extract_file(p / n, tmp_path).role for n in
            ("train.py", "engine.py", "evaluate.py", "run_agent.py", "agent.py")}  # fmt: skip
    assert role == {
        "train.py": "train",
        "engine.py": "util",
        "evaluate.py": "util",
        "run_agent.py": "train",
        "agent.py": "util",
    }


def test_entry_point_carries_values_from_the_modules_it_calls(tmp_path: Path) -> None:
    """``main.py`` runs ``train.train_and_evaluate``; the optimizer, learning rate,
    batch and epochs written there are the entry point's, marked with their file;
    a value the entry point sets itself is kept."""
    p = tmp_path / "proj"
    p.mkdir()
    (p / "train.py").write_text(
        "import torch\n"
        "def train_and_evaluate(model):\n"
        "    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)\n"
        "    loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)\n"
        "    for epoch in range(12):\n"
        "        for x in loader:\n"
        "            model(x).sum().backward(); opt.step()\n"
    )
    (p / "main.py").write_text(
        "import torch\nimport train\nEPOCHS = 3\n"
        "if __name__ == '__main__':\n    train.train_and_evaluate(torch.nn.Linear(2, 2))\n"
    )
    card = extract_file(p / "main.py", tmp_path)
    assert card.role == "train"
    f = card.fields
    assert (f["optimizer"].value, f["learning_rate"].value) == ("SGD", 0.05)
    assert f["batch_size"].value == 64
    assert f["learning_rate"].file == str(p / "train.py")
    assert f["epochs"].value == 3 and f["epochs"].file is None
    # A helper that nothing trains through gives nothing to a file that is not an entry point.
    (p / "plot.py").write_text("import train\nhelp(train)\n")
    assert "optimizer" not in extract_file(p / "plot.py", tmp_path).fields


def test_entry_point_takes_the_dataset_of_a_star_imported_data_module(tmp_path: Path) -> None:
    """``from data import *`` then calls of its functions: the data the module reads is
    what the entry point trains on."""
    p = tmp_path / "proj"
    p.mkdir()
    (p / "data.py").write_text(
        "import glob\n"
        "def find_files(path): return glob.glob(path)\n"
        "def line_to_tensor(line): return line\n"
        "lines = {}\n"
        "for filename in find_files('../data/surnames/*.txt'):\n"
        "    lines[filename] = open(filename).read().split()\n"
    )
    (p / "train.py").write_text(
        "import torch\nfrom data import *\n"
        "rnn = torch.nn.RNN(57, 128)\n"
        "opt = torch.optim.SGD(rnn.parameters(), lr=0.005)\n"
        "for it in range(1000):\n"
        "    out, _ = rnn(line_to_tensor('x'))\n"
        "    out.sum().backward()\n"
        "    opt.step()\n"
    )
    card = extract_file(p / "train.py", tmp_path)
    assert card.role == "train"
    assert card.fields["dataset"].value == "surnames"
    assert card.fields["dataset"].file == str(p / "data.py")


def test_entry_point_takes_the_family_of_the_runner_it_trains_through(tmp_path: Path) -> None:
    """``main.py`` builds ``runners.diffusion.Diffusion(args).train()``: the runner's code
    (a noise schedule, a noise-prediction loss) makes the entry point a diffusion model."""
    p = tmp_path / "proj"
    (p / "runners").mkdir(parents=True)
    (p / "runners" / "diffusion.py").write_text(
        "import torch\n"
        "class Diffusion:\n"
        "    def __init__(self, args):\n"
        "        betas = torch.linspace(1e-4, 0.02, 1000)\n"
        "        self.abar = torch.cumprod(1 - betas, 0)\n"
        "    def train(self):\n"
        "        opt = torch.optim.Adam(self.model.parameters(), lr=2e-4)\n"
        "        for x in self.loader:\n"
        "            e = torch.randn_like(x)\n"
        "            loss = torch.nn.functional.mse_loss(self.model(x, 1), e)\n"
        "            loss.backward()\n"
        "            opt.step()\n"
    )
    (p / "main.py").write_text(
        "import argparse\nfrom runners.diffusion import Diffusion\n"
        "if __name__ == '__main__':\n"
        "    runner = Diffusion(argparse.ArgumentParser().parse_args())\n"
        "    runner.train()\n"
    )
    card = extract_file(p / "main.py", tmp_path)
    assert card.role == "train"
    fam = card.fields["arch_family"]
    assert fam.value[0] == "diffusion" and fam.file == str(p / "runners" / "diffusion.py")
    # A helper the entry point only imports from, training nothing, lends no family.
    (p / "plot.py").write_text("from runners.diffusion import Diffusion\nprint(Diffusion)\n")
    assert "arch_family" not in extract_file(p / "plot.py", tmp_path).fields


def _launcher_project(tmp_path: Path) -> Path:
    """main.py -> run_lib.train(config) -> losses.get_step_fn(sde): the training step is
    a closure two modules away from the entry point (score_sde's layout)."""
    p = tmp_path / "proj"
    p.mkdir()
    (p / "losses.py").write_text(
        "import torch\n"
        "def get_step_fn(sde, optimizer):\n"
        "    def step_fn(model, batch):\n"
        "        t = torch.rand(batch.shape[0])\n"
        "        mean, std = sde.marginal_prob(batch, t)\n"
        "        z = torch.randn_like(batch)\n"
        "        score = model(mean + std * z, t)\n"
        "        loss = ((score * std + z) ** 2).mean()\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
        "        return loss\n"
        "    return step_fn\n"
        "def get_optimizer(params):\n"
        "    return torch.optim.Adam(params, lr=2e-4)\n"
        "def ddpm_loss(model, batch, sqrt_alphas_cumprod):\n"
        "    return model(batch * sqrt_alphas_cumprod[0])\n"
    )
    (p / "run_lib.py").write_text(
        "import torch\nimport losses\n"
        "def train(config, workdir):\n"
        "    model = torch.nn.Linear(2, 2)\n"
        "    opt = losses.get_optimizer(model.parameters())\n"
        "    step = losses.get_step_fn(config.sde, opt)\n"
        "    for batch in config.data:\n"
        "        step(model, batch)\n"
    )
    (p / "main.py").write_text(
        "import tensorflow as tf\nimport run_lib\nfrom absl import app, flags\n"
        "FLAGS = flags.FLAGS\n"
        "def main(argv):\n"
        "    tf.io.gfile.makedirs(FLAGS.workdir)\n"
        "    run_lib.train(FLAGS.config, FLAGS.workdir)\n"
        "if __name__ == '__main__':\n"
        "    app.run(main)\n"
    )
    return p


def test_a_launcher_trains_through_a_step_two_modules_away(tmp_path: Path) -> None:
    p = _launcher_project(tmp_path)
    card = extract_file(p / "main.py", tmp_path)
    assert card.status == "ok", card.message
    assert card.role == "train"
    fam = card.fields["arch_family"]
    assert fam.value[0] == "diffusion" and fam.file == str(p / "losses.py")
    # TensorFlow imported for its file API is not what the launcher trains with.
    fw = card.fields["framework"]
    assert fw.value[0] == "pytorch" and fw.file == str(p / "run_lib.py")
    # The optimizer is built in the module holding the step, and read there.
    opt, lr = card.fields["optimizer"], card.fields["learning_rate"]
    assert (opt.value, lr.value) == ("Adam", 2e-4) and opt.file == str(p / "losses.py")
    # The module in between runs nothing itself: a helper the launcher imports.
    assert extract_file(p / "run_lib.py", tmp_path).role == "util"


def test_a_launcher_that_uses_tensorflow_for_more_keeps_it(tmp_path: Path) -> None:
    p = _launcher_project(tmp_path)
    (p / "main.py").write_text(
        "import tensorflow as tf\nimport run_lib\n"
        "tf.random.set_seed(0)\n"
        "run_lib.train(None, '/tmp')\n"
    )
    card = extract_file(p / "main.py", tmp_path)
    assert card.role == "train" and card.fields["framework"].value[0] == "tensorflow-keras"


def test_a_model_built_by_a_sibling_factory_is_a_component(tmp_path: Path) -> None:
    """ViT-CIFAR's main.py: ``self.model = get_model(args)`` from utils.py, whose
    get_model imports and builds ``vit.ViT``; get_dataset's torchvision class is no
    component, and a class the factory module defines is read there."""
    p = tmp_path / "proj"
    p.mkdir()
    (p / "vit.py").write_text(
        "import torch.nn as nn\n"
        "class ViT(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(64, 4), 6)\n"
        "class Unused(nn.Module):\n"
        "    pass\n"
    )
    (p / "utils.py").write_text(
        "import torch.nn as nn\nimport torchvision\n"
        "class SmoothCE(nn.Module):\n"
        "    def forward(self, x, y):\n"
        "        return x\n"
        "def get_model(args):\n"
        "    from vit import ViT\n"
        "    return ViT()\n"
        "def get_criterion(args):\n"
        "    return SmoothCE()\n"
        "def get_dataset(args):\n"
        "    return torchvision.datasets.CIFAR10('.')\n"
    )
    (p / "main.py").write_text(
        "import torch\nfrom utils import get_model, get_criterion, get_dataset\n"
        "model, crit = get_model(None), get_criterion(None)\n"
        "opt = torch.optim.Adam(model.parameters())\n"
        "for x, y in get_dataset(None):\n"
        "    crit(model(x), y).backward()\n"
        "    opt.step()\n"
    )
    card = extract_file(p / "main.py", tmp_path)
    comps = {c.name: c.file for c in card.components}
    assert comps == {"ViT": str(p / "vit.py"), "SmoothCE": str(p / "utils.py")}


def test_a_module_created_later_is_followed_without_touching_its_caller(tmp_path: Path) -> None:
    # The daemon keeps parsed siblings across files; what they import must be looked
    # up again on each extraction (losses.py appears after run_lib.py was read).
    p = _launcher_project(tmp_path)
    losses = (p / "losses.py").read_text()
    (p / "losses.py").unlink()
    assert extract_file(p / "main.py", tmp_path).role == "util"
    (p / "losses.py").write_text(losses)
    assert extract_file(p / "main.py", tmp_path).role == "train"
