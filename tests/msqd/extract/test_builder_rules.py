"""Architecture from what a decoder emits and from models built elsewhere: an image
captioner is seq2seq, not an autoencoder; ``torch.hub.load``, fastai's ``SimpleCNN``,
an imported ``Vgg16`` or ``unet_generator`` name the network; an accuracy metric and an
NLL loss are classification evidence."""

from __future__ import annotations

import textwrap

import pytest

from msqd.extract import extract_source

ENC_DEC = """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3)
        self.conv2 = nn.Conv2d(64, 64, 3)

class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        {decoder}

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()
"""


# A training loop, so that the file is an entry point (helpers carry no family).
TORCH_LOOP = """
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
for x, y in loader:
    loss = crit(m(x), y)
    loss.backward()
    opt.step()
"""
TF_LOOP = """
opt = tf.keras.optimizers.Adam(1e-3)
for x, y in ds:
    with tf.GradientTape() as tape:
        loss = crit(m(x), y)
    grads = tape.gradient(loss, m.trainable_variables)
    opt.apply_gradients(zip(grads, m.trainable_variables))
"""


def _fams(src: str) -> list[str]:
    fams = extract_source(textwrap.dedent(src)).value("arch_family")
    return fams if isinstance(fams, list) else []


def test_a_decoder_that_emits_tokens_makes_a_seq2seq() -> None:
    dec = "self.embed = nn.Embedding(1000, 64)\n        self.lstm = nn.LSTMCell(64, 128)"
    fams = _fams(ENC_DEC.format(decoder=dec))
    assert fams[:1] == ["seq2seq"] and "autoencoder" not in fams, fams


def test_a_decoder_that_upsamples_makes_an_autoencoder() -> None:
    dec = "self.up = nn.ConvTranspose2d(64, 3, 3)\n        self.up2 = nn.ConvTranspose2d(3, 3, 3)"
    fams = _fams(ENC_DEC.format(decoder=dec))
    assert "autoencoder" in fams and "seq2seq" not in fams, fams


@pytest.mark.parametrize(
    ("src", "family"),
    [
        (
            "import torch\nm = torch.hub.load('pytorch/vision:v0.11.0', 'mobilenet_v2')\n"
            "crit = torch.nn.functional.cross_entropy\n" + TORCH_LOOP,
            "cnn-classifier",
        ),
        (
            "import torch\nm = torch.hub.load('pytorch/vision', 'resnet50', pretrained=True)\n"
            + TORCH_LOOP,
            "resnet",
        ),
        (
            "from fastai.vision.all import Learner, SimpleCNN\n"
            "learn = Learner(dls, SimpleCNN([1, 16, 32, 2]))\nlearn.fit(3)\n",
            "cnn-classifier",
        ),
        (
            "import tensorflow as tf\nfrom tensorflow_vgg import vgg16\n"
            "m = vgg16.Vgg16()\n" + TF_LOOP,
            "cnn-classifier",
        ),
        (
            "import tensorflow as tf\nfrom tensorflow_examples.models.pix2pix import pix2pix\n"
            "m = pix2pix.unet_generator(3, norm_type='instancenorm')\n" + TF_LOOP,
            "unet",
        ),
        (
            "import torch\nfrom lightning.pytorch.demos import Transformer\n"
            "m = Transformer(vocab_size=33278)\n" + TORCH_LOOP,
            "transformer",
        ),
    ],
)
def test_a_model_built_elsewhere_names_its_family(src: str, family: str) -> None:
    assert family in _fams(src), _fams(src)


@pytest.mark.parametrize(
    "src",
    [
        # Library helpers whose names hold architecture words are not models.
        "import tensorflow as tf\nfrom huggingface_hub import login\nlogin()\ny = tf.gather(x, i)\n",
        "from lightning.pytorch.plugins import MixedPrecisionPlugin\np = MixedPrecisionPlugin()\n"
        + TORCH_LOOP,
        "from sklearn.compose import ColumnTransformer\nct = ColumnTransformer([])\nct.fit(X)\n",
    ],
)
def test_helpers_named_like_models_are_not_evidence(src: str) -> None:
    fams = _fams(src)
    assert "gnn" not in fams and "transformer" not in fams, fams


def test_an_accuracy_metric_and_nll_loss_make_a_small_cnn_a_classifier() -> None:
    src = """
    import torch.nn as nn
    import torch.nn.functional as F
    from ignite.metrics import Accuracy

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 10, 5)
            self.conv2 = nn.Conv2d(10, 20, 5)

        def forward(self, x):
            return F.log_softmax(self.conv2(self.conv1(x)).flatten(1), dim=-1)

    model = Net()
    metrics = {"accuracy": Accuracy()}
    loss = F.nll_loss(model(x), y)
    """
    assert _fams(src) == ["cnn-classifier"]


@pytest.mark.parametrize(
    ("read", "dataset"),
    [
        ("files = glob.glob('../data/names/*.txt')", "names"),
        ("text = open('names.txt').read()", "names.txt"),
        (
            "ap = argparse.ArgumentParser()\n"
            "ap.add_argument('--input-file', default='limericks.txt')\n"
            "args = ap.parse_args()\ntext = open(args.input_file).read()",
            "limericks.txt",
        ),
        # Generic names, splits, unnamed folders and URLs name no data set.
        ("text = open('input.txt').read()", None),
        ("df = pd.read_csv('train.csv')", None),
        ("df = pd.read_csv('data/train_x.csv')", None),
        ("files = glob.glob('*/*.txt')", None),
        ("cfg = open('config.yaml').read()", None),
    ],
)
def test_a_named_data_file_is_the_dataset_when_nothing_else_is(
    read: str, dataset: str | None
) -> None:
    src = "import argparse, glob\nimport pandas as pd\nimport torch\n" + read + "\n"
    card = extract_source(src + "m = torch.nn.LSTM(8, 8)\n" + TORCH_LOOP)
    assert card.value("dataset") == dataset
    if dataset is not None:
        assert card.fields["dataset"].line is not None


def test_one_random_example_per_step_is_a_batch_of_one() -> None:
    src = (
        "import random\nimport torch\n"
        "def random_training_pair():\n"
        "    return random.choice(data)\n"
        "def train(x, y):\n"
        "    loss = crit(m(x), y)\n"
        "    loss.backward()\n"
        "    opt.step()\n"
        "for epoch in range(1000):\n"
        "    train(*random_training_pair())\n"
    )
    card = extract_source(src, "train.py")
    f = card.fields["batch_size"]
    assert (f.value, f.how) == (1, "inferred")
    # Its "epochs" are steps: one random example each, so no epoch count.
    assert "epochs" not in card.fields
    looped = src.replace("train(*random_training_pair())", "train(*next_pair())")
    assert extract_source(looped, "train.py").fields["epochs"].value == 1000
    # With a data loader the batch is the loader's, never an inferred 1.
    loader = src + "loader = torch.utils.data.DataLoader(ds, batch_size=16)\n"
    assert extract_source(loader, "train.py").fields["batch_size"].value == 16


def test_a_training_method_default_batch_size_is_used() -> None:
    src = (
        "import torch\n"
        "class Agent:\n"
        "    def train(self, replay_buffer, batch_size=256):\n"
        "        s, a = replay_buffer.sample(batch_size)\n"
        "        loss = crit(self.q(s), a)\n"
        "        self.opt.zero_grad()\n"
        "        loss.backward()\n"
        "        self.opt.step()\n"
    )
    f = extract_source(src, "td3.py").fields["batch_size"]
    assert (f.value, f.how) == (256, "function-default")
    helper = src.replace("loss.backward()", "pass").replace("self.opt.step()", "pass")
    assert "batch_size" not in extract_source(helper, "td3.py").fields


@pytest.mark.parametrize(
    ("update", "lr"),
    [
        ("lr = 0.1 if i < 100000 else 0.01\nfor p in parameters:\n    p.data += -lr * p.grad", 0.1),
        ("for p in net.parameters():\n    p.data.add_(-0.005, p.grad.data)", 0.005),
        ("with torch.no_grad():\n    w -= 0.5 * w.grad", 0.5),
    ],
)
def test_a_hand_written_gradient_step_is_sgd_at_its_rate(update: str, lr: float) -> None:
    src = "import torch\nloss = crit(m(x), y)\nloss.backward()\n" + update + "\n"
    card = extract_source(src, "train.py")
    assert card.value("optimizer") == "SGD" and card.fields["optimizer"].how == "inferred"
    assert card.value("learning_rate") == lr


def test_summing_gradient_norms_is_not_an_update() -> None:
    src = (
        "import torch\nloss.backward()\ntotal = 0.0\n"
        "for p in m.parameters():\n    total += p.grad.norm() * 2\n"
    )
    assert "optimizer" not in extract_source(src, "train.py").fields


def test_bringing_results_back_to_the_cpu_is_not_a_device_choice() -> None:
    src = "import torch\ndef show(x):\n    return x.to('cpu').numpy()\n"
    assert "device" not in extract_source(src, "utils.py").fields
    moved = "import torch\nmodel = Net()\nmodel.to('cpu')\n"
    assert extract_source(moved, "run.py").fields["device"].value == ["cpu"]


@pytest.mark.parametrize(
    ("head", "device"),
    [
        ("import theano\n", ["cuda"]),
        ("os.environ['KERAS_BACKEND'] = 'theano'\n", ["cuda"]),
        ("os.environ['KERAS_BACKEND'] = 'tensorflow'\n", None),  # the flags do nothing
    ],
)
def test_theano_flags_name_the_device_when_theano_runs(head: str, device: list[str] | None) -> None:
    src = "import os\n" + head + "os.environ['THEANO_FLAGS'] = 'floatX=float32,device=cuda'\n"
    card = extract_source(src + "import keras\n", "gan.py")
    assert card.value("device") == device


def test_tf1_read_data_sets_names_its_dataset() -> None:
    src = (
        "import tensorflow as tf\n"
        "from tensorflow.examples.tutorials.mnist import input_data\n"
        "mnist = input_data.read_data_sets('MNIST_data', validation_size=0)\n"
    )
    assert extract_source(src, "ae.py").value("dataset") == "MNIST"


def test_a_feature_stack_pushed_down_and_popped_up_is_a_unet() -> None:
    src = """
    import torch
    import torch.nn as nn

    class ScoreNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.down = nn.ModuleList([nn.Conv2d(3, 3, 3) for _ in range(3)])
            self.up = nn.ModuleList([nn.Conv2d(6, 3, 3) for _ in range(3)])

        def forward(self, x, t):
            hs = [x]
            for m in self.down:
                hs.append(m(hs[-1]))
            h = hs.pop()
            for m in self.up:
                h = m(torch.cat([h, hs.pop()], dim=1))
            return h
    """
    assert "unet" in _fams(src)
    flat = src.replace("hs.append(m(hs[-1]))", "x = m(x)")
    assert "unet" not in _fams(flat)


@pytest.mark.parametrize(
    ("names", "gan"),
    [(("DCGAN_G", "DCGAN_D"), True), (("MLP_G", "MLP_D"), True), (("VGG", "VGGD"), False)],
)
def test_suffix_pairs_name_a_generator_and_a_discriminator(
    names: tuple[str, str], gan: bool
) -> None:
    g, d = names
    src = f"""
    import torch.nn as nn

    class {g}(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(nn.Linear(100, 784), nn.Tanh())

    class {d}(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(nn.Linear(784, 1))
    """
    assert ("gan" in _fams(src)) is gan
