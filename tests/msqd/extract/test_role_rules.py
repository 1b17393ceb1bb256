"""What a file is, from what it builds and where it sits: a trainer subclass that is
built trains, ignite's supervised trainer trains, image and batch transforms are data,
and a models package's ``__init__`` (at any depth) is model code."""

from __future__ import annotations

from pathlib import Path

from msqd.extract import extract_file, extract_source


def test_building_a_subclass_of_a_trainer_trains() -> None:
    src = (
        "from lightning.pytorch.cli import LightningCLI\n"
        "class MyCLI(LightningCLI):\n"
        "    def add_arguments_to_parser(self, parser):\n"
        "        parser.add_argument('--x')\n"
        "def cli_main():\n"
        "    MyCLI(Model, DataModule, seed_everything_default=1)\n"
        "if __name__ == '__main__':\n"
        "    cli_main()\n"
    )
    assert extract_source(src, "finetune_cv.py").role == "train"
    unbuilt = src.replace("    MyCLI(Model, DataModule, seed_everything_default=1)\n", "    pass\n")
    assert extract_source(unbuilt, "finetune_cv.py").role != "train"


def test_ignite_supervised_trainer_trains() -> None:
    src = (
        "import torch\n"
        "from ignite.engine import create_supervised_trainer\n"
        "trainer = create_supervised_trainer(model, optimizer, loss_fn)\n"
        "trainer.run(loader, max_epochs=3)\n"
    )
    assert extract_source(src, "objective.py").role == "train"


def test_image_and_batch_transforms_are_data() -> None:
    src = (
        "import random\n"
        "class CutMix(object):\n"
        "    def __init__(self, size, beta):\n"
        "        self.size, self.beta = size, beta\n"
        "    def __call__(self, batch):\n"
        "        return batch\n"
    )
    assert extract_source(src, "da.py").role == "data"
    # A helper module's transform stays a helper; a callable on anything else is not data.
    assert extract_source(src, "utils.py").role == "util"
    other = src.replace("__call__(self, batch)", "__call__(self, logits)")
    assert extract_source(other, "da.py").role == "util"


def test_a_models_package_init_is_model_code_at_any_depth(tmp_path: Path) -> None:
    pkg = tmp_path / "proj" / "models" / "cifar"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("from __future__ import absolute_import\nfrom .vgg import *\n")
    (pkg / "vgg.py").write_text("import torch.nn as nn\nclass VGG(nn.Module):\n    pass\n")
    other = tmp_path / "proj" / "tools"
    other.mkdir()
    (other / "__init__.py").write_text("from .draw import *\n")
    assert extract_file(pkg / "__init__.py", tmp_path).role == "model"
    assert extract_file(other / "__init__.py", tmp_path).role == "util"


_PPO = """
import torch as th
from stable_baselines3.common.on_policy_algorithm import OnPolicyAlgorithm
class PPO(OnPolicyAlgorithm):
    def __init__(self, policy, env, learning_rate=3e-4, batch_size=64, n_epochs=10):
        self.batch_size, self.n_epochs = batch_size, n_epochs
        self.optimizer = th.optim.Adam(self.policy.parameters(), lr=learning_rate)
    def train(self):
        for epoch in range(self.n_epochs):
            loss.backward()
            self.optimizer.step()
"""


def test_a_frameworks_own_source_states_no_training_values(tmp_path: Path) -> None:
    # stable_baselines3/ppo/ppo.py: its defaults are not what anyone's training runs.
    lib = tmp_path / "stable-baselines3" / "stable_baselines3" / "ppo"
    lib.mkdir(parents=True)
    (lib / "ppo.py").write_text(_PPO)
    card = extract_file(lib / "ppo.py", tmp_path)
    assert card.role == "library"
    stated = {"batch_size", "learning_rate", "optimizer", "epochs"} & set(card.fields)
    assert not stated, stated
    # The same code in a person's project is read as usual.
    (tmp_path / "mine.py").write_text(_PPO)
    assert "optimizer" in extract_file(tmp_path / "mine.py", tmp_path).fields


def test_a_helpers_module_defining_load_data_is_the_data_module(tmp_path: Path) -> None:
    # udacity's seq2seq/helper.py and Diffusion-Models-pytorch's utils.py.
    for stem, func, want in (
        ("helper", "load_data", "data"),
        ("utils", "get_data", "data"),
        ("utils", "get_model", "util"),
    ):
        f = tmp_path / f"{stem}.py"
        f.write_text(f"import os\ndef {func}(path):\n    return open(os.path.join(path)).read()\n")
        assert extract_file(f, tmp_path).role == want, (stem, func)
