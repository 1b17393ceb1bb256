"""Value resolution the way real scripts write it, one idiom per test."""

from __future__ import annotations

from textwrap import dedent

from msqd.card import Field, ModelCard
from msqd.extract import describe, extract_source


def card(src: str) -> ModelCard:
    c = extract_source(dedent(src))
    assert c.status == "ok", c.message
    return c


def fld(c: ModelCard, name: str) -> Field:
    assert name in c.fields, f"{name} missing: {sorted(c.fields)}"
    return c.fields[name]


def test_constant_arithmetic() -> None:
    f = fld(
        card("""
        import torch
        BASE_LR = 2e-4
        LR = BASE_LR * 2
        opt = torch.optim.Adam(m.parameters(), lr=LR)
    """),
        "learning_rate",
    )
    assert (f.value, f.how, f.detail, f.line) == (0.0004, "constant", "BASE_LR", 3)


def test_argparse_dest_and_string_default() -> None:
    c = card("""
        import argparse, torch
        p = argparse.ArgumentParser()
        p.add_argument("--learning-rate", "-l", dest="lr", type=float, default="3e-3")
        p.add_argument("--num-epochs", type=int, default=12)
        args = p.parse_args()
        opt = torch.optim.SGD(model.parameters(), lr=args.lr)
        for epoch in range(args.num_epochs):
            pass
    """)
    lr, ep = fld(c, "learning_rate"), fld(c, "epochs")
    assert (lr.value, lr.how, lr.detail, lr.line) == (0.003, "argparse-default", "args.lr", 4)
    assert (ep.value, ep.how, ep.detail) == (12, "argparse-default", "args.num_epochs")


def test_args_passed_into_function() -> None:
    f = fld(
        card("""
        import argparse, torch
        def train(args):
            return torch.optim.Adam(net.parameters(), lr=args.lr)
        if __name__ == "__main__":
            parser = argparse.ArgumentParser()
            parser.add_argument("--lr", type=float, default=0.01)
            train(parser.parse_args())
    """),
        "learning_rate",
    )
    assert (f.value, f.how) == (0.01, "argparse-default")


def test_a_dict_filled_from_the_parsed_options_gives_their_defaults() -> None:
    c = card("""
        import argparse, torch

        def train(config):
            opt = torch.optim.Adam(net.parameters(), lr=config["lr"])
            for epoch in range(config["num_of_epochs"]):
                net(x).sum().backward()
                opt.step()

        def get_args():
            p = argparse.ArgumentParser()
            p.add_argument("--lr", type=float, default=5e-3)
            p.add_argument("--num_of_epochs", type=int, default=200)
            args = p.parse_args()
            config = dict()
            for arg in vars(args):
                config[arg] = getattr(args, arg)
            return config

        if __name__ == "__main__":
            train(get_args())
    """)
    lr, ep = fld(c, "learning_rate"), fld(c, "epochs")
    assert (lr.value, lr.how, lr.line) == (0.005, "argparse-default", 12)
    assert (ep.value, ep.how) == (200, "argparse-default")
    # A key no option names stays unknown.
    c2 = card("""
        import torch
        def train(config):
            opt = torch.optim.Adam(net.parameters(), lr=config["lr"])
            opt.step()
    """)
    assert "learning_rate" not in c2.fields or c2.fields["learning_rate"].how == "implicit"


def test_config_get_with_default_and_override() -> None:
    c = card("""
        import torch
        cfg = {"batch_size": 32}
        cfg["batch_size"] = 48
        loader = torch.utils.data.DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True)
        opt = torch.optim.Adam(m.parameters(), lr=cfg.get("lr", 1e-3))
    """)
    b, lr = fld(c, "batch_size"), fld(c, "learning_rate")
    assert (b.value, b.how, b.line) == (48, "config-dict", 4)
    assert (lr.value, lr.how, lr.detail) == (1e-3, "config-dict", "cfg.get('lr', 0.001)")


def test_nested_config_and_simplenamespace() -> None:
    c = card("""
        from types import SimpleNamespace
        import torch
        CONFIG = {"train": {"epochs": 7, "lr": 5e-4}}
        hp = SimpleNamespace(bs=20)
        for epoch in range(CONFIG["train"]["epochs"]):
            pass
        opt = torch.optim.RMSprop(p, lr=CONFIG["train"]["lr"])
        dl = torch.utils.data.DataLoader(ds, hp.bs)
    """)
    assert (fld(c, "epochs").value, fld(c, "epochs").how) == (7, "config-dict")
    assert fld(c, "learning_rate").detail == "CONFIG['train']['lr']"
    assert (fld(c, "batch_size").value, fld(c, "batch_size").how) == (20, "config-dict")


def test_class_config_and_dataclass_override() -> None:
    c = card("""
        from dataclasses import dataclass, field
        import torch
        class Config:
            lr = 1e-3
        @dataclass
        class Train:
            epochs: int = 10
            batch_size: int = field(default=16)
        t = Train(20)
        opt = torch.optim.Adam(m.parameters(), lr=Config.lr)
        for epoch in range(t.epochs):
            pass
        dl = torch.utils.data.DataLoader(ds, batch_size=t.batch_size)
    """)
    assert (fld(c, "learning_rate").how, fld(c, "learning_rate").detail) == (
        "class-attribute",
        "Config.lr",
    )
    assert (fld(c, "epochs").value, fld(c, "epochs").how) == (20, "call-site")
    assert (fld(c, "batch_size").value, fld(c, "batch_size").how) == (16, "class-attribute")


def test_call_site_beats_function_default() -> None:
    c = card("""
        import torch
        def train(model, epochs=100, lr=0.1):
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            for epoch in range(epochs):
                pass
        train(net, epochs=50)
    """)
    ep, lr = fld(c, "epochs"), fld(c, "learning_rate")
    assert (ep.value, ep.how, ep.detail, ep.line) == (50, "call-site", "train(epochs)", 7)
    assert (lr.value, lr.how, lr.detail, lr.line) == (0.1, "function-default", "train(lr)", 3)


def test_keras_string_optimizer_reports_the_framework_default_as_such() -> None:
    c = card("""
        from tensorflow import keras
        model.compile(optimizer="rmsprop", loss="mse")
        model.fit(x, y, epochs=3)
    """)
    assert fld(c, "optimizer").value == "RMSprop"
    assert fld(c, "learning_rate").value == 0.001
    assert fld(c, "learning_rate").how == "framework-default"
    assert fld(c, "epochs").value == 3


def test_torch_optimizer_without_lr_trains_at_its_default() -> None:
    c = card("""
        import torch
        opt = torch.optim.Adam(model.parameters())
    """)
    assert fld(c, "learning_rate").value == 0.001
    assert fld(c, "learning_rate").how == "framework-default"
    c = card("""
        import tensorflow as tf
        opt = tf.train.AdamOptimizer(1e-4)
    """)
    assert (fld(c, "optimizer").value, fld(c, "learning_rate").value) == ("Adam", 1e-4)


def test_tyro_dataclass_defaults_are_the_values_that_run() -> None:
    c = card("""
        from dataclasses import dataclass
        import torch, tyro
        @dataclass
        class Args:
            learning_rate: float = 2.5e-4
            batch_size: int = 128
        args = tyro.cli(Args)
        opt = torch.optim.Adam(net.parameters(), lr=args.learning_rate)
    """)
    assert fld(c, "learning_rate").value == 2.5e-4


def test_gan_main_optimizer_is_the_generators() -> None:
    c = card("""
        import torch
        opt_d = torch.optim.Adam(D.parameters(), lr=4e-4)
        opt_g = torch.optim.Adam(G.parameters(), lr=1e-4)
    """)
    lr = fld(c, "learning_rate")
    assert lr.value == 1e-4
    assert [a.value for a in lr.alternatives] == [4e-4]


def test_last_stage_is_main_otherwise() -> None:
    c = card("""
        import torch
        warm = torch.optim.SGD(model.head.parameters(), lr=0.1)
        main = torch.optim.AdamW(model.parameters(), lr=3e-5, weight_decay=0.01)
    """)
    assert fld(c, "optimizer").value == "AdamW"
    assert [a.value for a in fld(c, "optimizer").alternatives] == ["SGD"]
    assert fld(c, "weight_decay").value == 0.01


def test_absl_flags() -> None:
    c = card("""
        from absl import flags
        import optax
        flags.DEFINE_float("learning_rate", 0.05, "lr")
        FLAGS = flags.FLAGS
        tx = optax.adamw(FLAGS.learning_rate)
    """)
    assert (fld(c, "optimizer").value, fld(c, "learning_rate").value) == ("AdamW", 0.05)


def test_device_chains() -> None:
    c1 = card('import torch\ndev = "cuda" if torch.cuda.is_available() else "cpu"\n')
    assert fld(c1, "device").value == ["cuda", "cpu"]
    c2 = card('import torch\ndevice = torch.device("cpu")\n')
    assert fld(c2, "device").value == ["cpu"]
    c3 = card("import torch\nmodel = torch.nn.parallel.DistributedDataParallel(m)\n")
    assert fld(c3, "device").value == ["cuda", "multi-gpu"]
    c4 = card("from tensorflow import keras\nmodel.fit(x, y, epochs=2)\n")
    assert "device" not in c4.fields


def test_class_subset_by_names_and_isin() -> None:
    c = card("""
        import numpy as np
        from tensorflow import keras
        SELECTED_CLASSES = ["airplane", "ship"]
        (x, y), _ = keras.datasets.cifar10.load_data()
    """)
    assert fld(c, "dataset").value == "CIFAR-10 (airplane, ship)"
    c2 = card("""
        import numpy as np
        import torchvision
        ds = torchvision.datasets.FashionMNIST("d", download=True)
        keep = np.isin(ds.targets, [0, 9])
    """)
    assert fld(c2, "dataset").value == "Fashion-MNIST (T-shirt/top, Ankle boot)"


def test_dataset_chosen_by_option() -> None:
    c = card("""
        import argparse
        from torchvision import datasets
        p = argparse.ArgumentParser()
        p.add_argument("--dataset", default="fashion-mnist")
        args = p.parse_args()
        if args.dataset == "mnist":
            ds = datasets.MNIST("d")
        else:
            ds = datasets.FashionMNIST("d")
    """)
    f = fld(c, "dataset")
    assert f.value == "Fashion-MNIST"
    assert [a.value for a in f.alternatives] == ["MNIST"]


def test_describe_is_short_deterministic_and_factual() -> None:
    c = card('''
        """Class-conditional DDPM on two CIFAR classes."""
        import torch
        import torch.nn as nn
        from torchvision import datasets
        T = 1000
        class UNet(nn.Module):
            def __init__(self, num_classes=2):
                super().__init__()
                self.label_emb = nn.Embedding(num_classes, 64)
                self.attn = nn.MultiheadAttention(64, 4)
                self.time_mlp = nn.Linear(64, 64)
        betas = torch.linspace(1e-4, 0.02, T)
        alphas_cumprod = torch.cumprod(1 - betas, 0)
        ds = datasets.CIFAR10("d")
        keep = [i for i, y in enumerate(ds.targets) if y in (3, 5)]
        opt = torch.optim.Adam(UNet().parameters(), lr=2e-4)
    ''')
    text = describe(c)
    assert text == describe(c)
    assert text.startswith(
        "Class-conditional DDPM-style diffusion model (UNet with attention) "
        "in PyTorch trained on CIFAR-10 (cat, dog): Adam lr 2e-4, "
        "1000 timesteps, linear beta schedule."
    )
    assert len(text.split()) <= 45


def test_options_handed_back_through_a_tuple_unpack() -> None:
    # ViT-pytorch's train.py: ``args, model = setup(args)`` before ``train(args, model)``.
    c = card("""
        import argparse, torch

        def setup(args):
            model = torch.nn.Linear(2, 2)
            return args, model

        def train(args, model):
            opt = torch.optim.SGD(model.parameters(), lr=args.learning_rate)

        def main():
            parser = argparse.ArgumentParser()
            parser.add_argument("--learning_rate", default=3e-2, type=float)
            args = parser.parse_args()
            args, model = setup(args)
            train(args, model)

        main()
    """)
    f = fld(c, "learning_rate")
    assert (f.value, f.how) == (0.03, "argparse-default")


def test_values_returned_as_a_tuple() -> None:
    c = card("""
        import torch

        def hparams():
            return 0.01, 64

        lr, bs = hparams()
        opt = torch.optim.Adam([], lr=lr)
        loader = torch.utils.data.DataLoader([], batch_size=bs)
    """)
    assert (c.value("learning_rate"), c.value("batch_size")) == (0.01, 64)


def test_lightning_hparams_filled_from_a_namespace() -> None:
    for line in (
        "self.hparams.update(vars(hparams))",
        "self.save_hyperparameters(hparams)",
        "self.hparams = hparams",
    ):
        c = card(f"""
            import argparse, torch
            import pytorch_lightning as pl
            parser = argparse.ArgumentParser()
            parser.add_argument("--lr", default=1e-3, type=float)
            args = parser.parse_args()

            class Net(pl.LightningModule):
                def __init__(self, hparams):
                    super().__init__()
                    {line}

                def configure_optimizers(self):
                    return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)

            net = Net(args)
        """)
        assert c.value("learning_rate") == 0.001, line


def test_paths_built_by_printf_and_f_strings() -> None:
    # practical-pytorch's seq2seq: '../data/%s-%s.txt' % (lang1, lang2) two calls deep.
    c = card("""
        def read_langs(lang1, lang2, reverse=False):
            filename = '../data/%s-%s.txt' % (lang1, lang2)
            return open(filename).read().split('\\n')

        def prepare_data(lang1_name, lang2_name, reverse=False):
            return read_langs(lang1_name, lang2_name, reverse)

        pairs = prepare_data('eng', 'fra', True)
    """)
    assert c.value("dataset") == "Tatoeba eng-fra"
    c = card("""
        name = "eng"
        lines = open(f"data/{name}-fra.txt").read()
    """)
    assert c.value("dataset") == "Tatoeba eng-fra"


def test_a_huge_printf_width_is_not_built() -> None:
    c = card("""
        p = "%999999999s" % "mnist"
        open(p)
    """)
    assert c.value("dataset") is None


def test_a_global_declaration_binds_the_module_name() -> None:
    # The captioning tutorial's main(): ``global checkpoint`` then a reassignment in
    # the branch that loads one; the default is the module's None.
    c = card("""
        import torch
        checkpoint = None
        lr = 4e-4
        def main():
            global checkpoint, lr
            if checkpoint is None:
                opt = torch.optim.Adam(model.parameters(), lr=lr)
            else:
                checkpoint = torch.load(checkpoint)
                lr = checkpoint["lr"]
                opt = torch.optim.SGD(model.parameters(), lr=lr)
            loss.backward()
            opt.step()
        main()
    """)
    assert (c.value("optimizer"), c.value("learning_rate")) == ("Adam", 0.0004)


def test_every_family_has_words_in_the_description() -> None:
    # GNN cards were described as "Script in PyTorch": the embedded text never said graph.
    from msqd import vocab

    for fam in vocab.ARCH_FAMILIES:
        c = ModelCard(model_id="x/train", path="/x/train.py")
        c.fields["arch_family"] = Field([fam], 1, "inferred")
        c.fields["framework"] = Field(["pytorch"], 1, "inferred")
        assert not describe(c).startswith("Script"), (fam, describe(c))
