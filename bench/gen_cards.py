"""Generated model cards for the search benchmark.

Cards are built combinatorially (architecture x dataset x optimizer x lr x
epochs x batch x framework x device x components ...) from a seeded RNG, so
the same ``n`` and ``seed`` always give the same cards. Their descriptions come
from the extractor's own ``describe()`` and their embedding text from
``cardtext.embedding_text``, so the vectors have the distribution of real
cards, not of uniform noise (the worst case for HNSW).

    python bench/gen_cards.py 5        # print five generated cards' texts
"""

from __future__ import annotations

import hashlib
import random
import sys

from msqd.card import Component, Field, ModelCard
from msqd.extract.describe import describe
from msqd.index.cardtext import embedding_text, lexical_text

# family -> (extra families, component class names, layer types, typical datasets)
ARCHS: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "diffusion": (
        ["unet"],
        ["UNet", "ResBlock", "TimeEmbedding", "SelfAttention", "Denoiser", "DownBlock"],
        ["Conv2d", "GroupNorm", "SiLU", "Linear", "MultiheadAttention", "Embedding"],
        ["CIFAR-10", "MNIST", "Fashion-MNIST", "CelebA", "LSUN", "STL-10", "CIFAR-10 (cat, dog)"],
    ),
    "latent-diffusion": (
        ["diffusion", "vae"],
        ["VAE", "LatentDenoiser", "Encoder", "Decoder", "CrossAttention"],
        ["Conv2d", "GroupNorm", "SiLU", "Linear", "ConvTranspose2d"],
        ["CelebA", "Fashion-MNIST", "CIFAR-10", "LSUN", "ImageNet"],
    ),
    "vae": (
        [],
        ["VAE", "Encoder", "Decoder", "BetaVAE"],
        ["Linear", "ReLU", "Conv2d", "ConvTranspose2d", "Sigmoid"],
        ["MNIST", "Fashion-MNIST", "CelebA", "CIFAR-10", "EMNIST"],
    ),
    "gan": (
        [],
        ["Generator", "Discriminator", "Critic", "MappingNetwork"],
        ["ConvTranspose2d", "Conv2d", "BatchNorm2d", "LeakyReLU", "Tanh"],
        ["CelebA", "MNIST", "CIFAR-10", "LSUN", "Fashion-MNIST"],
    ),
    "autoencoder": (
        [],
        ["AutoEncoder", "Encoder", "Decoder", "DenoisingAE"],
        ["Conv2d", "ConvTranspose2d", "ReLU", "Linear"],
        ["MNIST", "Fashion-MNIST", "CIFAR-10", "KMNIST"],
    ),
    "cnn-classifier": (
        [],
        ["Net", "SimpleCNN", "LeNet", "VGGBlock", "ConvNet"],
        ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Dropout", "Linear"],
        ["CIFAR-10", "MNIST", "Fashion-MNIST", "SVHN", "CIFAR-100", "Caltech-101", "Food-101"],
    ),
    "resnet": (
        [],
        ["ResNet", "BasicBlock", "Bottleneck", "LitResNet"],
        ["Conv2d", "BatchNorm2d", "ReLU", "AdaptiveAvgPool2d", "Linear"],
        ["ImageNet", "CIFAR-10", "CIFAR-100", "Oxford-IIIT Pets", "Tiny ImageNet"],
    ),
    "transformer": (
        [],
        ["ViT", "PatchEmbed", "TransformerBlock", "BertClassifier", "Attention"],
        ["Linear", "LayerNorm", "MultiheadAttention", "GELU", "Dropout", "Embedding"],
        ["ImageNet", "CIFAR-10", "SST-2", "IMDB", "AG News", "GLUE"],
    ),
    "rnn-lstm": (
        [],
        ["CharLSTM", "GRUTagger", "Seq2SeqEncoder", "RNNModel"],
        ["LSTM", "GRU", "Embedding", "Linear", "Dropout"],
        ["Shakespeare", "Penn Treebank", "WikiText-2", "IMDB", "AG News"],
    ),
    "reinforcement-learning": (
        [],
        ["QNet", "Actor", "Critic", "PolicyNet", "ReplayBuffer"],
        ["Linear", "ReLU", "Tanh"],
        ["CartPole", "LunarLander", "Atari"],
    ),
    "language-model": (
        ["transformer"],
        ["GPT", "Block", "CausalSelfAttention", "MLP"],
        ["Linear", "LayerNorm", "Embedding", "GELU", "Dropout"],
        ["Shakespeare", "WikiText-2", "Penn Treebank"],
    ),
    "seq2seq": (
        ["rnn-lstm"],
        ["Encoder", "Decoder", "Seq2Seq", "Attention"],
        ["LSTM", "GRU", "Embedding", "Linear"],
        ["SQuAD", "WikiText-2"],
    ),
    "siamese": (
        [],
        ["SiameseNet", "EmbeddingNet", "TripletLoss"],
        ["Conv2d", "Linear", "ReLU"],
        ["MNIST", "Omniglot", "CelebA"],
    ),
    "super-resolution": (
        [],
        ["SRResNet", "ESRGANGenerator", "Discriminator"],
        ["Conv2d", "PixelShuffle", "PReLU", "BatchNorm2d"],
        ["DIV2K", "CelebA", "ImageNet"],
    ),
}
FRAMEWORKS = ["pytorch", "pytorch", "pytorch", "lightning", "tensorflow-keras", "jax-flax"]
OPTIMIZERS = ["Adam", "Adam", "AdamW", "SGD", "SGD", "RMSprop", "Adagrad", "Lion"]
LRS = [1e-5, 3e-5, 1e-4, 2e-4, 3e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1]
EPOCHS = [3, 5, 10, 12, 15, 20, 25, 30, 40, 50, 100, 150, 200, 300, 500]
BATCHES = [16, 32, 64, 128, 256, 512]
DEVICES = [["cuda", "cpu"], ["cuda"], ["cpu"], ["cuda", "mps", "cpu"], ["multi-gpu", "cuda"]]
SIZES = {
    "MNIST": 28,
    "Fashion-MNIST": 28,
    "EMNIST": 28,
    "KMNIST": 28,
    "CIFAR-10": 32,
    "CIFAR-100": 32,
    "SVHN": 32,
    "CelebA": 64,
    "LSUN": 64,
    "ImageNet": 224,
    "STL-10": 96,
}
VERBS = [
    "Train",
    "Fine-tune",
    "Quick experiment with",
    "Baseline",
    "Reproduce",
    "Ablation of",
    "Sweep over",
    "Small",
    "Improved",
    "Second attempt at",
]
NOTES = [
    "with cosine warmup",
    "using mixed precision",
    "with EMA weights",
    "for a class project",
    "from the paper",
    "with gradient clipping",
    "tuned on a single GPU",
    "for the workshop",
    "with strong augmentation",
    "as a sanity check",
    "with label smoothing",
    "v2",
]
PROJECTS = ["experiments", "thesis", "kaggle", "course", "research", "sandbox", "paper", "lab"]


def make_card(i: int, rng: random.Random) -> ModelCard:
    """One generated card; ``i`` makes ids and hashes unique."""
    fam = rng.choice(list(ARCHS))
    extra, comps, layers, datasets = ARCHS[fam]
    ds = rng.choice(datasets)
    fields: dict[str, Field] = {
        "framework": Field([rng.choice(FRAMEWORKS)]),
        "arch_family": Field([fam, *extra]),
        "dataset": Field(ds),
        "optimizer": Field(rng.choice(OPTIMIZERS)),
        "learning_rate": Field(rng.choice(LRS)),
        "epochs": Field(rng.choice(EPOCHS)),
        "batch_size": Field(rng.choice(BATCHES)),
        "device": Field(list(rng.choice(DEVICES))),
    }
    if ds in SIZES:
        fields["image_size"] = Field(SIZES[ds])
    if fam in ("diffusion", "latent-diffusion"):
        fields["timesteps"] = Field(rng.choice([250, 300, 400, 500, 1000, 2000]))
        fields["beta_schedule"] = Field(rng.choice(["linear", "cosine"]))
    if fam in ("diffusion", "latent-diffusion", "gan", "vae") and rng.random() < 0.3:
        fields["conditional"] = Field(True)
    if rng.random() < 0.3:
        fields["weight_decay"] = Field(rng.choice([1e-5, 1e-4, 5e-4, 0.01, 0.05]))
    chosen = rng.sample(comps, k=min(len(comps), rng.randint(1, 3)))
    components = [
        Component(
            name,
            "nn.Module",
            layers={
                t: rng.randint(1, 6)
                for t in rng.sample(layers, k=min(len(layers), rng.randint(2, 4)))
            },
        )
        for name in chosen
    ]
    project = f"{rng.choice(PROJECTS)}-{ds.split(' ')[0].lower()}-{fam}-{i // 50}"
    stem = f"{fam.replace('-', '_')}_{i}"
    card = ModelCard(
        model_id=f"{project}/{stem}",
        path=f"/bench/{project}/{stem}.py",
        size=rng.randint(1500, 40000),
        modified=1.7e9 + rng.randint(0, 30_000_000),
        sha256=hashlib.sha256(f"gen-{i}".encode()).hexdigest(),
        fields=fields,
        components=components,
        project=project,
    )
    card.created = card.modified
    doc = f"{rng.choice(VERBS)} {chosen[0]} on {ds} {rng.choice(NOTES)}."
    card.description = describe(card, doc)
    return card


def generate(n: int, seed: int = 7) -> list[ModelCard]:
    """``n`` cards; the first ``k`` of ``generate(n)`` equal ``generate(k)``."""
    rng = random.Random(seed)
    return [make_card(i, rng) for i in range(n)]


def texts(cards: list[ModelCard]) -> tuple[list[str], list[str]]:
    """(embedding texts, lexical texts) of the cards."""
    return [embedding_text(c) for c in cards], [lexical_text(c) for c in cards]


if __name__ == "__main__":
    for c in generate(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
        print(c.model_id, "|", embedding_text(c))
