"""General extraction rules on small scripts: device chains, dataset loaders and
configs, and architecture evidence read from the data flow (not from names)."""

from __future__ import annotations

import textwrap

import pytest

from msqd.card import FieldValue
from msqd.extract import extract_source


def _value(src: str, name: str) -> FieldValue | None:
    return extract_source(textwrap.dedent(src)).value(name)


ARGS = """
import argparse
import torch
p = argparse.ArgumentParser()
p.add_argument("--device", default={default})
args = p.parse_args()
"""


@pytest.mark.parametrize(
    ("default", "use", "want"),
    [
        ('"cuda"', "device = torch.device(args.device)", ["cuda"]),
        ('"cpu"', "model = model.to(args.device)", ["cpu"]),
        (
            '"cuda" if torch.cuda.is_available() else "cpu"',
            "x = x.to(args.device)",
            ["cuda", "cpu"],
        ),
        (
            '"cuda"',
            'device = torch.device(args.device if torch.cuda.is_available() else "cpu")',
            ["cuda", "cpu"],
        ),
        (
            '"cuda"',
            'if args.device == "cuda" and torch.cuda.is_available():\n'
            '    device = torch.device("cuda")\n'
            "else:\n"
            '    device = torch.device("cpu")',
            ["cuda", "cpu"],
        ),
    ],
)
def test_device_from_argparse(default: str, use: str, want: list[str]) -> None:
    src = ARGS.format(default=default) + use + "\n"
    card = extract_source(src)
    assert card.value("device") == want
    f = card.fields["device"]
    assert f.line is not None


def test_device_from_a_picking_function() -> None:
    src = """
    import torch
    def pick():
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = pick()
    """
    assert _value(src, "device") == ["mps", "cpu"]


def test_device_from_a_function_argument() -> None:
    src = """
    import torch
    def get_device(name):
        return torch.device(name)
    device = get_device("cuda")
    """
    assert _value(src, "device") == ["cuda"]


def test_device_jax_platform() -> None:
    src = """
    import jax
    jax.config.update("jax_platform_name", "cpu")
    """
    assert _value(src, "device") == ["cpu"]


@pytest.mark.parametrize(
    ("flag", "want"),
    [("USE_CUDA = True", ["cuda", "cpu"]), ("use_gpu = False", ["cpu", "cuda"]), ("", ["cuda"])],
)
def test_a_cuda_switch_means_the_code_also_runs_on_the_cpu(flag: str, want: list[str]) -> None:
    src = f"""
    import torch
    {flag}
    net = torch.nn.Linear(2, 2)
    if {flag.split(" ")[0] or "True"}:
        net.cuda()
    """
    assert _value(src, "device") == want


def test_lightning_gpus_set_to_the_device_count_run_on_gpu_or_cpu() -> None:
    src = """
    import torch
    import pytorch_lightning as pl
    args.gpus = torch.cuda.device_count()
    trainer = pl.Trainer(gpus=args.gpus, max_epochs=3)
    """
    assert _value(src, "device") == ["cuda", "cpu"]


def test_no_device_when_none_is_named() -> None:
    src = """
    import jax
    jax.config.update("jax_enable_x64", True)
    """
    assert _value(src, "device") is None


@pytest.mark.parametrize(
    ("call", "want"),
    [
        ('load_dataset("glue", "sst2")', "SST-2"),
        ('load_dataset("glue", name="sst2")', "SST-2"),
        ('load_dataset("glue", "mrpc")', "GLUE (mrpc)"),
        ('load_dataset("wmt16", "de-en")', "WMT16 (de-en)"),
        ('load_dataset("wikitext", "wikitext-103-raw-v1")', "WikiText-103"),
        ('load_dataset("wikitext", "wikitext-2-raw-v1")', "WikiText-2"),
        ('load_dataset("imdb")', "IMDB"),
        ('load_dataset("imdb", split="train")', "IMDB"),
        # A version config is a variant of the data set, not another data set.
        ('load_dataset("squad", "plain_text")', "SQuAD"),
    ],
)
def test_hf_dataset_configs(call: str, want: str) -> None:
    src = f"from datasets import load_dataset\nraw = {call}\n"
    assert _value(src, "dataset") == want


def test_hf_config_through_a_constant_keeps_provenance() -> None:
    src = 'from datasets import load_dataset\nTASK = "sst2"\nraw = load_dataset("glue", TASK)\n'
    f = extract_source(src).fields["dataset"]
    assert (f.value, f.how, f.line) == ("SST-2", "constant", 2)


@pytest.mark.parametrize(
    ("code", "want"),
    [
        (
            "from sklearn.datasets import fetch_20newsgroups\nd = fetch_20newsgroups()",
            "20 Newsgroups",
        ),
        (
            "from sklearn.datasets import fetch_20newsgroups\n"
            'd = fetch_20newsgroups(categories=["sci.med", "sci.space"])',
            "20 Newsgroups (sci.med, sci.space)",
        ),
        (
            "from sklearn.datasets import fetch_california_housing\nd = fetch_california_housing()",
            "California Housing",
        ),
        ('from sklearn.datasets import fetch_openml\nX, y = fetch_openml("mnist_784")', "MNIST"),
        (
            "from sklearn.datasets import fetch_openml\n"
            'X, y = fetch_openml(name="mnist_784", version=1, return_X_y=True)',
            "MNIST",
        ),
        (
            "from sklearn import datasets\nX, y = datasets.fetch_openml('Fashion-MNIST')",
            "Fashion-MNIST",
        ),
        ("from tensorflow import keras\nd = keras.datasets.cifar10.load_data()", "CIFAR-10"),
        ("import tensorflow as tf\nd = tf.keras.datasets.cifar100.load_data()", "CIFAR-100"),
        (
            "from tensorflow.keras.datasets import fashion_mnist\nd = fashion_mnist.load_data()",
            "Fashion-MNIST",
        ),
        ('import tensorflow_datasets as tfds\nds = tfds.load("cifar10")', "CIFAR-10"),
        ('import tensorflow_datasets as tfds\nds = tfds.load("glue/sst2")', "SST-2"),
        (
            'import os\nDATA = "~/data"\ntext = open(os.path.join(DATA, "tinyshakespeare.txt")).read()',
            "Shakespeare",
        ),
        (
            "from pathlib import Path\n"
            'text = Path("data/tinyshakespeare/input.txt").expanduser().read_text()',
            "Shakespeare",
        ),
    ],
)
def test_dataset_loaders(code: str, want: str) -> None:
    assert _value(code, "dataset") == want


DIFFUSION = """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 1, 3, padding=1)
        self.t = nn.Linear(1, 1)

    def forward(self, x, t):
        return self.c(x) + self.t(t.float()[:, None])[:, :, None, None]

net = Net()
betas = torch.linspace(1e-4, 0.02, 250)
abar = torch.cumprod(1 - betas, 0)
for x in loader:
    t = torch.randint(0, 250, (x.size(0),))
    e = torch.randn_like(x)
    a = abar[t][:, None, None, None]
    loss = F.mse_loss(net(a.sqrt() * x + (1 - a).sqrt() * e, t), e)
"""


def test_diffusion_from_data_flow_without_telling_names() -> None:
    card = extract_source(DIFFUSION)
    assert card.value("arch_family") == ["diffusion"]
    assert card.value("conditional") is False
    assert card.value("timesteps") == 250
    assert card.value("beta_schedule") == "linear"


def test_denoising_autoencoder_is_not_diffusion() -> None:
    # The target is the clean input, not the noise: not noise prediction.
    src = DIFFUSION.replace(
        "loss = F.mse_loss(net(a.sqrt() * x + (1 - a).sqrt() * e, t), e)",
        "loss = F.mse_loss(net(x + 0.1 * e, t), x)",
    ).replace("abar = torch.cumprod(1 - betas, 0)", "")
    assert "diffusion" not in (extract_source(src).value("arch_family") or [])


def test_noise_prediction_alone_is_not_enough() -> None:
    src = """
    import torch
    import torch.nn.functional as F
    e = torch.randn_like(x)
    loss = F.mse_loss(model(x + e, y), e)
    """
    assert "diffusion" not in (_value(src, "arch_family") or [])


def test_cumprod_of_unrelated_rates_is_not_a_noise_schedule() -> None:
    src = """
    import torch
    keep = torch.cumprod(1 - drop_rates, 0)
    """
    assert "diffusion" not in (_value(src, "arch_family") or [])


def test_alpha_bar_linspace_is_not_a_linear_beta_schedule() -> None:
    src = DIFFUSION.replace(
        "abar = torch.cumprod(1 - betas, 0)", "abar = torch.linspace(0.999, 0.001, 250)"
    ).replace("betas = torch.linspace(1e-4, 0.02, 250)\n", "")
    assert _value(src, "beta_schedule") is None


UNET = """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.out = nn.Conv2d(32, 1, 1)

    def forward(self, x):
        h = self.down(x)
        return self.out(torch.cat([F.relu(self.up(h)), x], 1))
"""


def test_unet_from_skip_connection() -> None:
    assert "unet" in (_value(UNET, "arch_family") or [])


def test_concat_without_upsampling_is_not_a_unet() -> None:
    src = UNET.replace("F.relu(self.up(h))", "F.relu(h)")
    assert "unet" not in (_value(src, "arch_family") or [])


def test_sklearn_sgd_estimator_reports_sgd_without_a_rate() -> None:
    src = """
    from sklearn.linear_model import SGDClassifier
    clf = SGDClassifier(loss="hinge", learning_rate="optimal", alpha=1e-4)
    """
    card = extract_source(textwrap.dedent(src))
    assert card.value("optimizer") == "SGD"
    assert card.value("learning_rate") is None


def test_two_optimizers_for_generator_and_critic_are_a_gan() -> None:
    """Adversarial training read from the optimizer steps, whatever the nets are called."""
    src = (
        "import torch\n"
        "net_a, net_b = make_nets()\n"
        "optimizerG = torch.optim.Adam(net_a.parameters(), lr=2e-4)\n"
        "critic_opt = torch.optim.Adam(net_b.parameters(), lr=2e-4)\n"
        "for x in loader:\n"
        "    critic_opt.zero_grad(); net_b(x).mean().backward(); critic_opt.step()\n"
        "    optimizerG.zero_grad(); net_b(net_a(x)).mean().backward(); optimizerG.step()\n"
    )
    card = extract_source(src, "train_thing.py")
    assert card.fields["arch_family"].value == ["gan"]
    one = src.replace(
        "    critic_opt.zero_grad(); net_b(x).mean().backward(); critic_opt.step()\n", ""
    )
    assert "gan" not in (extract_source(one, "train_thing.py").fields["arch_family"].value or [])


def test_option_overridden_after_parsing_is_what_runs() -> None:
    """cleanrl's ``args.minibatch_size = args.batch_size // args.num_minibatches``."""
    src = (
        "import argparse, torch\n"
        "p = argparse.ArgumentParser()\n"
        "p.add_argument('--num-envs', type=int, default=4)\n"
        "p.add_argument('--num-steps', type=int, default=128)\n"
        "p.add_argument('--num-minibatches', type=int, default=4)\n"
        "p.add_argument('--minibatch-size', type=int, default=0)\n"
        "args = p.parse_args()\n"
        "args.batch_size = int(args.num_envs * args.num_steps)\n"
        "args.minibatch_size = int(args.batch_size // args.num_minibatches)\n"
        "opt = torch.optim.Adam(params, lr=2.5e-4)\n"
        "loss.backward(); opt.step()\n"
    )
    assert extract_source(src, "ppo.py").fields["batch_size"].value == 128
    # The same with a dataclass read by tyro.cli: the field's placeholder 0 is not what runs.
    dc = (
        "import dataclasses, tyro, torch\n"
        "@dataclasses.dataclass\n"
        "class Args:\n"
        "    num_envs: int = 4\n    num_steps: int = 128\n    num_minibatches: int = 4\n"
        "    batch_size: int = 0\n    minibatch_size: int = 0\n"
        "if __name__ == '__main__':\n"
        "    args = tyro.cli(Args)\n"
        "    args.batch_size = int(args.num_envs * args.num_steps)\n"
        "    args.minibatch_size = int(args.batch_size // args.num_minibatches)\n"
        "    opt = torch.optim.Adam(params, lr=2.5e-4)\n"
        "    loss.backward(); opt.step()\n"
    )
    assert extract_source(dc, "ppo.py").fields["batch_size"].value == 128


def test_override_under_an_environment_check_is_not_what_a_plain_run_uses() -> None:
    """accelerate's examples: ``if os.environ.get("TESTING_MOCKED_DATALOADERS") == "1":
    config["num_epochs"] = 2`` is a test switch; the plain run uses 3."""
    src = (
        "import os, torch\n"
        "def training_function(config):\n"
        "    if os.environ.get('TESTING_MOCKED_DATALOADERS', None) == '1':\n"
        "        config['num_epochs'] = 2\n"
        "    num_epochs = int(config['num_epochs'])\n"
        "    opt = torch.optim.AdamW(params, lr=config['lr'])\n"
        "    for epoch in range(num_epochs):\n"
        "        loss.backward(); opt.step()\n"
        "config = {'lr': 2e-5, 'num_epochs': 3}\n"
        "training_function(config)\n"
    )
    assert extract_source(src, "train.py").fields["epochs"].value == 3
    plain = src.replace(
        "    if os.environ.get('TESTING_MOCKED_DATALOADERS', None) == '1':\n", "    if True:\n"
    )
    assert extract_source(plain, "train.py").fields["epochs"].value == 2


def test_imagenet_in_a_string_is_pretraining_not_the_data() -> None:
    src = (
        "import torch, torchvision\n"
        "model = torchvision.models.resnet18(weights='imagenet')\n"
        "norm = 'imagenet-norm'\n"
        "opt = torch.optim.SGD(model.parameters(), lr=0.01)\n"
        "loss.backward(); opt.step()\n"
    )
    assert "dataset" not in extract_source(src, "train.py").fields
    path = src.replace("norm = 'imagenet-norm'", "root = '/datasets/imagenet/train'")
    assert extract_source(path, "train.py").fields["dataset"].value == "ImageNet"


def test_accelerate_runs_on_the_gpu_when_there_is_one() -> None:
    src = (
        "import argparse\nfrom accelerate import Accelerator\n"
        "p = argparse.ArgumentParser()\np.add_argument('--cpu', action='store_true')\n"
        "args = p.parse_args()\naccelerator = Accelerator(cpu=args.cpu)\n"
    )
    assert extract_source(src, "train.py").fields["device"].value == ["cuda", "cpu"]
    forced = src.replace("Accelerator(cpu=args.cpu)", "Accelerator(cpu=True)")
    assert extract_source(forced, "train.py").fields["device"].value == ["cpu"]


def test_a_helper_is_filed_under_the_process_it_computes_not_its_names() -> None:
    """A diffusion loss module (no model class of its own) is diffusion by its noise
    schedule; a helper whose only hint is a name stays without a family."""
    loss = (
        "import torch\n"
        "def loss_fn(model, x0, betas):\n"
        "    alphas_cumprod = torch.cumprod(1 - betas, 0)\n"
        "    t = torch.randint(0, len(betas), (x0.shape[0],))\n"
        "    noise = torch.randn_like(x0)\n"
        "    a = alphas_cumprod[t].sqrt()\n"
        "    xt = a * x0 + (1 - alphas_cumprod[t]).sqrt() * noise\n"
        "    return ((model(xt, t) - noise) ** 2).mean()\n"
    )
    card = extract_source(loss, "losses_util.py")
    assert card.role == "util"
    assert card.fields["arch_family"].value == ["diffusion"]
    named = "import torch\ndef make_discriminator_grid(x):\n    return torch.cat(x)\n"
    assert "arch_family" not in extract_source(named, "gan_utils.py").fields


def test_transformers_trainer_defaults_are_implicit_values() -> None:
    """Trainer builds AdamW at 5e-5 for 3 epochs of batch 8 unless told otherwise;
    a value the script sets, or one a search samples, is not replaced."""
    src = (
        "from transformers import Trainer, TrainingArguments\n"
        "args = TrainingArguments('out', weight_decay=0.01)\n"
        "trainer = Trainer(model=model, args=args, train_dataset=ds)\n"
        "trainer.train()\n"
    )
    f = extract_source(src, "finetune.py").fields
    assert (f["optimizer"].value, f["optimizer"].how) == ("AdamW", "framework-default")
    assert (f["learning_rate"].value, f["epochs"].value, f["batch_size"].value) == (5e-5, 3, 8)
    own = src.replace("weight_decay=0.01", "learning_rate=2e-5, num_train_epochs=5")
    f = extract_source(own, "finetune.py").fields
    assert (f["learning_rate"].value, f["epochs"].value) == (2e-5, 5)
    searched = src + (
        "def hp(trial):\n    return {'learning_rate': trial.suggest_float('learning_rate', 1e-6, 1e-4)}\n"
        "trainer.hyperparameter_search(hp_space=hp, n_trials=5)\n"
    )
    assert "learning_rate" not in extract_source(searched, "finetune.py").fields
    custom = src.replace("train_dataset=ds)", "train_dataset=ds, optimizers=(opt, None))")
    assert "optimizer" not in extract_source(custom, "finetune.py").fields


def test_a_notebook_shell_download_names_its_dataset_like_the_export_does() -> None:
    """``!wget URL`` in a cell and nbconvert's ``get_ipython().system('wget URL')``
    in the exported script are one fact."""
    import json

    cells = [
        "!wget -q https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
        "import torch\nopt = torch.optim.Adam(params)\nloss.backward(); opt.step()",
    ]
    nb = {
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    card = extract_source(json.dumps(nb), "sentiment.ipynb", language="ipynb")
    script = (
        "get_ipython().system('wget -q https://ai.stanford.edu/~amaas/data/sentiment/"
        "aclImdb_v1.tar.gz')\n" + cells[1] + "\n"
    )
    assert card.fields["dataset"].value == "IMDB"
    assert card.fields["dataset"].cell == 1
    assert extract_source(script, "sentiment.py").fields["dataset"].value == "IMDB"


def test_a_block_built_in_a_loop_carries_its_count_and_expression() -> None:
    src = (
        "import torch.nn as nn\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, d):\n        super().__init__(); self.l = nn.Linear(d, d)\n"
        "class GPT(nn.Module):\n"
        "    def __init__(self, cfg):\n        super().__init__()\n"
        "        self.h = nn.ModuleList([Block(cfg.n_embd) for _ in range(cfg.n_layer)])\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, depth):\n        super().__init__()\n"
        "        self.blocks = nn.Sequential(*[Block(8) for _ in range(depth)])\n"
        "        self.head = Block(8)\n"
        "class Cfg:\n    n_layer = 12\n    n_embd = 768\n"
        "model = GPT(Cfg())\n"
    )
    comps = {c.name: c for c in extract_source(src, "train.py").components}
    assert (comps["GPT"].repeats, comps["GPT"].repeat_exprs) == (
        {"Block": 12},
        {"Block": "cfg.n_layer"},
    )
    # Built in a loop of unknown length and once more: no single loop explains it.
    assert (comps["Net"].repeats, comps["Net"].repeat_exprs) == ({}, {})
    assert comps["Block"].repeats == {}


def test_identifiers_are_the_multi_word_names_the_code_defines() -> None:
    src = (
        "import torch\n"
        "lambda_gp = 10\n"
        "def compute_gradient_penalty(D, real, fake):\n    return 0\n"
        "class ReplayBuffer:\n    def sample_batch(self):\n        return []\n"
        "x = 1\nloss = 0\ntrain_loader = None\nnoiseScheduler = None\n"
    )
    ids = extract_source(src, "wgan_gp.py").identifiers
    assert ids[:3] == ["compute_gradient_penalty", "ReplayBuffer", "sample_batch"]
    assert {"lambda_gp", "noiseScheduler"} <= set(ids)
    assert not {"x", "loss", "train_loader"} & set(ids)


def test_steps_of_an_epoch_are_not_the_epochs() -> None:
    # TF's style-transfer tutorial and flax's VAE: an inner loop over steps_per_epoch.
    src = """
        import tensorflow as tf
        epochs = 10
        steps_per_epoch = 100
        opt = tf.keras.optimizers.Adam(learning_rate=0.02)
        for n in range(epochs):
            for m in range(steps_per_epoch):
                train_step(image)
    """
    assert _value(src, "epochs") == 10


def test_evaluation_episodes_are_not_the_epochs() -> None:
    # TD3's main.py counts training in time steps; eval_policy runs 10 episodes.
    src = """
        import torch
        def eval_policy(policy, env_name, seed, eval_episodes=10):
            for _ in range(eval_episodes):
                state, done = eval_env.reset(), False
        opt = torch.optim.Adam(actor.parameters(), lr=3e-4)
        for t in range(int(1e6)):
            loss.backward()
            opt.step()
    """
    assert _value(src, "epochs") is None


def test_an_evaluation_loader_is_not_the_training_batch() -> None:
    # makemore: evaluate() shuffles a DataLoader of 100; training draws from a wrapper.
    src = """
        import argparse, torch
        from torch.utils.data import DataLoader
        p = argparse.ArgumentParser()
        p.add_argument("--batch-size", type=int, default=32)
        args = p.parse_args()

        class InfiniteDataLoader:
            def __init__(self, dataset, **kwargs):
                self.loader = DataLoader(dataset, **kwargs)

        def evaluate(model, dataset, batch_size=50):
            loader = DataLoader(dataset, shuffle=True, batch_size=batch_size)

        batch_loader = InfiniteDataLoader(train_dataset, batch_size=args.batch_size)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
        while True:
            loss.backward()
            opt.step()
            evaluate(model, test_dataset, batch_size=100)
    """
    assert _value(src, "batch_size") == 32
    src = """
        import torch
        EVAL_BATCH_SIZE = 64
        eval_loader = torch.utils.data.DataLoader(val, batch_size=EVAL_BATCH_SIZE)
        train_loader = torch.utils.data.DataLoader(train, batch_size=16)
        opt = torch.optim.Adam(model.parameters())
    """
    assert _value(src, "batch_size") == 16


def test_trl_configs_read_as_training_arguments() -> None:
    # accelerate's finetune_lm_tpu.py: TRL's SFTConfig extends TrainingArguments.
    src = """
        from trl import SFTConfig, SFTTrainer
        cfg = SFTConfig(per_device_train_batch_size=4, num_train_epochs=3, output_dir="o")
        trainer = SFTTrainer(model=model, train_dataset=ds, args=cfg)
        trainer.train()
    """
    assert (_value(src, "batch_size"), _value(src, "epochs")) == (4, 3)


@pytest.mark.parametrize(
    "schedule",
    [
        "keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=1e-3, decay_steps=10, decay_rate=0.5)",
        "keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=100, decay_rate=0.9)",
        "keras.optimizers.schedules.PiecewiseConstantDecay([1000, 2000], [1e-3, 5e-4, 1e-4])",
    ],
)
def test_a_learning_rate_schedule_starts_at_its_initial_rate(schedule: str) -> None:
    # deep-learning-with-python chapter 17: AdamW(learning_rate=InverseTimeDecay(...)).
    src = f"""
        import keras
        sched = {schedule}
        model.compile(optimizer=keras.optimizers.AdamW(learning_rate=sched), loss="mse")
        model.fit(x, y, epochs=3)
    """
    assert _value(src, "learning_rate") == 0.001


def test_a_hand_written_backward_pass_updates_by_sgd() -> None:
    # makemore part 4: gradients computed by hand, zipped with the parameters.
    src = """
        import torch
        parameters = [C, W1, b1]
        for i in range(200000):
            loss = forward(Xb)
            grads = [dC, dW1, db1]
            lr = 0.1 if i < 100000 else 0.01
            for p, grad in zip(parameters, grads):
                p.data += -lr * grad
        loss.backward()
    """
    assert (_value(src, "optimizer"), _value(src, "learning_rate")) == ("SGD", 0.1)


def test_keywords_passed_through_a_params_dict() -> None:
    # scikit-learn's gradient-boosting example: GradientBoostingRegressor(**params).
    src = """
        from sklearn import ensemble
        params = {"n_estimators": 500, "max_depth": 4, "learning_rate": 0.01}
        reg = ensemble.GradientBoostingRegressor(**params)
        reg.fit(X_train, y_train)
    """
    assert _value(src, "learning_rate") == 0.01


@pytest.mark.parametrize(
    ("kwargs", "want"),
    [
        ("solver='sgd', learning_rate_init=.1", ("SGD", 0.1, "literal")),
        ("", ("Adam", 0.001, "framework-default")),
        ("solver='lbfgs'", ("LBFGS", None, None)),
    ],
)
def test_scikit_learn_mlp_solver_and_rate(kwargs: str, want: tuple) -> None:
    # scikit-learn's plot_mnist_filters.py: MLPClassifier(solver='sgd', learning_rate_init=.1).
    src = f"""
        from sklearn.neural_network import MLPClassifier
        mlp = MLPClassifier(hidden_layer_sizes=(50,), max_iter=10, {kwargs})
        mlp.fit(X_train, y_train)
    """
    c = extract_source(textwrap.dedent(src))
    lr = c.fields.get("learning_rate")
    got = (c.value("optimizer"), c.value("learning_rate"), lr.how if lr else None)
    assert got == want


def test_schedule_free_optimizers_are_optimizers() -> None:
    # accelerate's schedule_free.py: schedulefree.AdamWScheduleFree(params, lr=lr, ...).
    src = """
        import schedulefree
        opt = schedulefree.AdamWScheduleFree(model.parameters(), lr=2e-5, warmup_steps=100)
        loss.backward()
        opt.step()
    """
    assert (_value(src, "optimizer"), _value(src, "learning_rate")) == ("AdamWScheduleFree", 2e-5)


@pytest.mark.parametrize(
    ("src", "want"),
    [
        # pytorch-lightning's basics/transformer.py: a demo dataset class named for its data.
        ("from lightning.pytorch.demos import WikiText2\nds = WikiText2()\n", "WikiText-2"),
        ("from pycocotools.coco import COCO\ncoco = COCO(ann_file)\n", "COCO"),
        # A class of the file's own is not a loader of that name.
        ("class MNIST:\n    pass\nm = MNIST()\n", None),
    ],
)
def test_an_imported_class_named_for_a_data_set_loads_it(src: str, want: str | None) -> None:
    assert _value(src + "loss.backward()\n", "dataset") == want


@pytest.mark.parametrize(
    ("src", "want"),
    [
        # flax's vae/input_pipeline.py: the training batch is a parameter; the only number
        # is the test set's, which is not the training batch.
        (
            "def build_train_set(batch_size, ds):\n    return ds.batch(batch_size)\n"
            "def build_test_set(ds):\n    return ds.batch(10000)\n",
            None,
        ),
        # With an evaluation loader only, the training batch comes from the named value.
        (
            "BATCH_SIZE = 64\n"
            "def get_val_loader(ds):\n    return DataLoader(ds, batch_size=1000)\n"
            "train(BATCH_SIZE)\n",
            64,
        ),
    ],
)
def test_an_evaluation_batch_alone_is_not_the_training_batch(src: str, want: int | None) -> None:
    assert _value("from torch.utils.data import DataLoader\n" + src, "batch_size") == want


@pytest.mark.parametrize(
    ("draw", "want"),
    [
        # nn-zero-to-hero's makemore_part2_mlp: ix = torch.randint(0, Xtr.shape[0], (32,)).
        ("ix = torch.randint(0, Xtr.shape[0], (32,))", 32),
        ("ix = np.random.randint(0, len(Xtr), size=B)", 64),
        ("ix = torch.randint(0, Xtr.shape[0], (B, 8))", None),  # (B, T) windows: unsaid
        ("ix = random.randint(0, 10)", None),  # one index, the standard library's
    ],
)
def test_random_minibatch_indices_give_the_batch(draw: str, want: int | None) -> None:
    src = f"""
        import random
        import numpy as np
        import torch
        B = 64
        for i in range(1000):
            {draw}
            loss = model(Xtr[ix]).sum()
            loss.backward()
    """
    assert _value(src, "batch_size") == want


def test_a_batch_generator_and_a_jax_tree_map_step() -> None:
    # flax's nnx_toy_examples/01_functional_api.py: batches from a generator called
    # with 32, and params = jax.tree.map(lambda w, g: w - 0.1 * g, params, grad).
    src = """
        import jax
        import numpy as np
        def dataset(batch_size):
            while True:
                idx = np.random.choice(len(X), size=batch_size)
                yield X[idx], Y[idx]
        def show(n):
            return np.random.choice(len(X), size=4)
        @jax.jit
        def train_step(params, batch):
            grad = jax.grad(loss_fn)(params, batch)
            return jax.tree.map(lambda w, g: w - 0.1 * g, params, grad)
        for step, batch in enumerate(dataset(32)):
            params = train_step(params, batch)
    """
    got = tuple(_value(src, k) for k in ("batch_size", "optimizer", "learning_rate"))
    assert got == (32, "SGD", 0.1)
