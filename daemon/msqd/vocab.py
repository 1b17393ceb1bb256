"""Shared vocabulary: canonical names and the words people use for them.

Extraction writes canonical names into cards; query understanding maps the words
in a question onto the same names. Keeping both in one table is what makes
"cifar10" in a query match "CIFAR-10" in a card.
"""

from __future__ import annotations

# Canonical dataset name -> lower-case aliases (as typed in queries or found in
# code: torchvision class names, keras/tfds/HF ids, folder names).
DATASETS: dict[str, tuple[str, ...]] = {
    "MNIST": ("mnist", "mnist_784"),  # mnist_784: the OpenML name
    "Fashion-MNIST": ("fashion-mnist", "fashion mnist", "fashionmnist", "fmnist", "fashion_mnist"),
    "EMNIST": ("emnist",),
    "KMNIST": ("kmnist",),
    "CIFAR-10": ("cifar-10", "cifar10", "cifar 10", "cifar_10", "cifar", "c10"),
    "CIFAR-100": ("cifar-100", "cifar100", "cifar 100", "cifar_100", "c100"),
    "SVHN": ("svhn",),
    "STL-10": ("stl-10", "stl10"),
    "CelebA": (
        "celeba",
        "celeb-a",
        "celeb_a",
        "celebahq",
        "celeba-hq",
        "celebrity faces",
        "celebrity face",
    ),
    "LSUN": ("lsun",),
    "Oxford-102 Flowers": (
        "oxford-102 flowers",
        "oxford flowers 102",
        "102flowers",
        "oxford flowers102",
        "flowers102",
        "flowers-102",
        "oxford flowers",
        "oxford_flowers102",
        "flowers",
    ),
    "Oxford-IIIT Pets": (
        "oxford-iiit pets",
        "oxford-iiit pet",
        "oxford_iiit_pet",
        "oxfordiiitpet",
        "oxford pets",
        "pets",
    ),
    "TF Flowers": ("tf_flowers", "tf flowers", "flower_photos"),
    "Dogs vs Cats": (
        "dogs vs cats",
        "dogs vs. cats",
        "cats vs dogs",
        "cats_vs_dogs",
        "dogs-vs-cats",
        "cats-vs-dogs",
        "cats_and_dogs",
        "cats_and_dogs_filtered",
        "dogs_vs_cats",
    ),
    "CUB-200-2011": ("cub-200-2011", "cub_200_2011", "cub200", "cub-200", "cub"),
    "DIV2K": ("div2k",),
    "Set5": ("set5",),
    "Set14": ("set14",),
    "BSDS300": ("bsds300", "bsd300"),
    "horse2zebra": ("horse2zebra", "horse-to-zebra"),
    "CMP Facades": ("cmp facades", "facades"),
    "edges2shoes": ("edges2shoes",),
    "Cora": ("cora",),
    "Citeseer": ("citeseer",),
    "PubMed": ("pubmed",),
    "PPI": ("ppi",),
    "ogbg-molpcba": ("ogbg-molpcba", "ogbg_molpcba", "molpcba"),
    "ImageNet": ("imagenet", "ilsvrc", "imagenet-1k", "imagenet1k"),
    "Tiny ImageNet": ("tiny imagenet", "tiny-imagenet", "tinyimagenet"),
    "COCO": ("coco", "mscoco", "cocodetection"),
    "Pascal VOC": ("voc", "pascal voc", "vocdetection", "vocsegmentation"),
    "Caltech-101": ("caltech101", "caltech-101"),
    "Food-101": ("food101", "food-101"),
    "Places365": ("places365",),
    "IMDB": ("imdb", "imdb_reviews", "aclimdb"),  # aclImdb_v1.tar.gz, the official archive
    "AG News": ("ag_news", "ag news", "agnews"),
    "SST-2": ("sst2", "sst-2"),
    "GLUE": ("glue",),
    "WikiText-2": ("wikitext-2", "wikitext2", "wikitext"),
    "WikiText-103": ("wikitext-103", "wikitext103"),
    "Penn Treebank": ("ptb", "penn treebank", "penntreebank"),
    "Shakespeare": ("shakespeare", "tinyshakespeare", "tiny shakespeare"),
    "SQuAD": ("squad",),
    "20 Newsgroups": (
        "20 newsgroups",
        "20newsgroups",
        "20_newsgroups",
        "20-newsgroups",
        "newsgroups",
        "20ng",
    ),
    # The manythings.org sentence pairs of the PyTorch translation tutorial.
    "Tatoeba eng-fra": ("eng-fra", "fra-eng", "tatoeba eng-fra", "tatoeba"),
    "WMT14": ("wmt14", "wmt 14", "wmt-14"),
    "WMT16": ("wmt16", "wmt 16", "wmt-16"),
    "Iris": ("iris",),
    "Wine": ("wine",),
    "Breast Cancer": ("breast cancer", "breast_cancer", "breast cancer wisconsin"),
    "Diabetes": ("diabetes", "load_diabetes"),
    "Titanic": ("titanic",),
    "Auto MPG": ("auto mpg", "auto-mpg", "auto_mpg"),
    "Jena Climate": ("jena climate", "jena_climate", "jena_climate_2009_2016"),
    "Palmer Penguins": ("palmer penguins", "penguins"),
    "Mini Speech Commands": ("mini speech commands", "mini_speech_commands"),
    "Speech Commands": ("speech commands", "speech_commands", "speechcommands"),
    "Binarized MNIST": ("binarized mnist", "binarized_mnist", "binarizedmnist"),
    "Digits": ("digits", "load_digits"),
    "California Housing": ("california housing", "california_housing"),
    "Boston Housing": ("boston housing", "boston_housing"),
    "CartPole": ("cartpole", "cartpole-v1", "cartpole-v0"),
    "LunarLander": ("lunarlander", "lunar lander", "lunarlander-v2"),
    "Atari": ("atari",),
}

# Benchmark collections whose Hugging Face config names the actual task or pair:
# load_dataset("glue", "mrpc") is "GLUE (mrpc)", load_dataset("wmt16", "de-en") is
# "WMT16 (de-en)" (a config that is itself a known data set, e.g. "sst2", wins).
DATASET_COLLECTIONS: tuple[str, ...] = ("GLUE", "WMT14", "WMT16")

# Class names of datasets whose labels are commonly filtered by index, so that
# "labels 3 and 5 of CIFAR-10" can be named "CIFAR-10 (cat, dog)".
DATASET_CLASSES: dict[str, tuple[str, ...]] = {
    "CIFAR-10": (
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ),
    "Fashion-MNIST": (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    "MNIST": tuple(str(i) for i in range(10)),
}

# Datasets that belong to one family: a query for "mnist family" means these.
DATASET_FAMILIES: dict[str, tuple[str, ...]] = {
    "MNIST family": ("MNIST", "Fashion-MNIST", "EMNIST", "KMNIST"),
}

# Words people use for a whole family: "mnist family", "mnist-like datasets".
DATASET_FAMILY_ALIASES: dict[str, tuple[str, ...]] = {
    "MNIST family": (
        "mnist family",
        "mnist-family",
        "mnist-like",
        "mnist like",
        "mnist-style",
        "mnist variants",
        "mnist-type",
    ),
}

# Architecture families used in cards (arch_family) -> query words.
ARCH_FAMILIES: dict[str, tuple[str, ...]] = {
    "diffusion": ("diffusion", "ddpm", "ddim", "score-based", "score based", "denoising diffusion"),
    "latent-diffusion": ("latent diffusion", "latent-diffusion", "ldm", "stable diffusion"),
    "vae": (
        "vae",
        "vaes",
        "variational autoencoder",
        "variational auto-encoder",
        "beta-vae",
        "vq-vae",
        "vqvae",
    ),
    "gan": ("gan", "gans", "dcgan", "wgan", "generative adversarial", "stylegan", "cgan"),
    "autoencoder": ("autoencoder", "auto-encoder", "autoencoders", "denoising autoencoder"),
    "unet": ("unet", "u-net", "u net", "unets", "u-nets"),
    "cnn-classifier": (
        "cnn",
        "convnet",
        "cnn classifier",
        "image classifier",
        "classifier",
        "lenet",
        "vgg",
    ),
    "resnet": ("resnet", "resnets", "residual network", "resnet18", "resnet50"),
    "transformer": (
        "transformer",
        "transformers",
        "vit",
        "vision transformer",
        "attention model",
        "bert",
    ),
    "rnn-lstm": ("lstm", "rnn", "gru", "recurrent", "lstms", "rnns", "grus"),
    "seq2seq": ("seq2seq", "sequence to sequence", "encoder-decoder", "translation model"),
    "reinforcement-learning": (
        "reinforcement learning",
        "rl",
        "dqn",
        "ppo",
        "policy gradient",
        "actor-critic",
        "a2c",
    ),
    "siamese": ("siamese", "contrastive", "triplet"),
    "style-transfer": ("style transfer", "neural style", "style-transfer"),
    "super-resolution": ("super resolution", "super-resolution", "srgan", "esrgan", "upscaling"),
    "language-model": ("language model", "gpt", "llm", "causal lm", "char-rnn", "text generation"),
    "gnn": (
        "gnn",
        "gnns",
        "graph neural network",
        "graph neural networks",
        "gcn",
        "gat",
        "graph attention",
        "graph convolution",
        "graph convolutional",
        "message passing",
    ),
    "other": (),
}

FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "pytorch": ("pytorch", "torch"),
    "lightning": ("lightning", "pytorch lightning", "pytorch-lightning", "pl"),
    "tensorflow-keras": ("tensorflow", "keras", "tf", "tf.keras", "tensorflow-keras"),
    "jax-flax": ("jax", "flax", "optax", "jax-flax"),
    "sklearn": ("sklearn", "scikit-learn", "scikit learn"),
    "transformers": (
        "huggingface",
        "hugging face",
        "hf",
        "transformers",
        "hf trainer",
        "hf transformers",
        "huggingface transformers",
        "hugging face transformers",
    ),
    "diffusers": ("diffusers",),
    "xgboost": ("xgboost",),
    "lightgbm": ("lightgbm",),
    "catboost": ("catboost",),
    "fastai": ("fastai", "fast.ai"),
    "skorch": ("skorch",),
    "lasagne": ("lasagne", "theano"),
    "stable-baselines3": ("stable-baselines3", "stable baselines", "sb3"),
}

# Canonical optimizer names (as they appear in cards) -> query words.
OPTIMIZERS: dict[str, tuple[str, ...]] = {
    "Adam": ("adam", "adaptive moment estimation"),
    "AdamW": ("adamw",),
    "SGD": ("sgd", "momentum sgd", "sgd with momentum", "stochastic gradient descent"),
    "RMSprop": ("rmsprop",),
    "Adagrad": ("adagrad",),
    "Adadelta": ("adadelta",),
    "Adamax": ("adamax",),
    "Nadam": ("nadam",),
    "NAdam": (),
    "RAdam": ("radam",),
    "SparseAdam": ("sparseadam",),
    "LBFGS": ("lbfgs", "l-bfgs"),
    "Lion": ("lion",),
    "Adan": ("adan",),
    "Adafactor": ("adafactor",),
    # Facebook's schedulefree package: optimizers that need no learning-rate schedule.
    "AdamWScheduleFree": ("schedule-free adamw", "schedule free adamw", "adamwschedulefree"),
    "SGDScheduleFree": ("schedule-free sgd", "schedule free sgd", "sgdschedulefree"),
    "RAdamScheduleFree": ("schedule-free radam", "radamschedulefree"),
}

# Device names in cards (device field) -> query words.
DEVICES: dict[str, tuple[str, ...]] = {
    "cuda": ("gpu", "gpus", "cuda", "nvidia"),
    "mps": ("mps", "apple silicon", "metal", "apple gpu"),
    "cpu": ("cpu", "cpu only", "cpu-only"),
    "tpu": ("tpu", "tpus"),
    "multi-gpu": ("multi-gpu", "multi gpu", "multiple gpus", "ddp", "data parallel", "distributed"),
}


_LOOKUPS: dict[int, tuple[int, dict[str, str]]] = {}


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Alias (lower case) -> canonical name of ``table``; the first entry wins, as a
    scan in table order would. Rebuilt when the table grows (extractors call this
    ~100,000 times per 600 files: a scan per call was a fifth of extraction)."""
    got = _LOOKUPS.get(id(table))
    if got is not None and got[0] == len(table):
        return got[1]
    out: dict[str, str] = {}
    for name, aliases in table.items():
        for a in (name.lower(), *aliases):
            out.setdefault(a, name)
    _LOOKUPS[id(table)] = (len(table), out)
    return out


def canonical_dataset(word: str) -> str | None:
    """The canonical dataset name for an alias, or None."""
    return _lookup(DATASETS).get(word.strip().lower())


def canonical_optimizer(word: str) -> str | None:
    """The canonical optimizer name for an alias (case-insensitive), or None."""
    return _lookup(OPTIMIZERS).get(word.strip().lower())


# Abbreviations people and code use for a method, both ways: a question saying
# "deep q network" finds files named dqn_*.py, and "dqn" finds Deep_Q_Network.ipynb.
# Short form -> long forms (lower case; separators do not matter). Search reads a
# long form in a question as its short form's vocabulary term (when it has one) and
# looks both up among file, folder and class names.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "wgan-gp": (
        "wasserstein gan with gradient penalty",
        "wasserstein gan gradient penalty",
        "wgan with gradient penalty",
        "improved wgan",
    ),
    "wgan": ("wasserstein gan", "wasserstein generative adversarial network"),
    "gp": ("gradient penalty",),
    "gan": ("generative adversarial network", "generative adversarial networks"),
    "dcgan": ("deep convolutional gan", "deep convolutional generative adversarial network"),
    "lsgan": ("least squares gan", "least-squares gan"),
    "cgan": ("conditional gan",),
    "cyclegan": ("cycle gan", "cycle-consistent gan", "cycle consistent adversarial network"),
    "srgan": ("super resolution gan", "super-resolution gan"),
    "vae": ("variational autoencoder", "variational autoencoders", "variational auto-encoder"),
    "ae": ("autoencoder",),
    "ddpm": ("denoising diffusion probabilistic model", "denoising diffusion"),
    "ddim": ("denoising diffusion implicit model",),
    "sde": ("stochastic differential equation",),
    "ncsn": ("noise conditional score network",),
    "dqn": ("deep q network", "deep q-network", "deep q learning", "deep q-learning"),
    "ppo": ("proximal policy optimization", "proximal policy optimisation"),
    "sac": ("soft actor critic", "soft actor-critic"),
    "ddpg": ("deep deterministic policy gradient",),
    "td3": ("twin delayed ddpg", "twin delayed deep deterministic policy gradient"),
    "a2c": ("advantage actor critic", "advantage actor-critic"),
    "a3c": ("asynchronous advantage actor critic", "asynchronous actor critic"),
    "rl": ("reinforcement learning",),
    "vit": ("vision transformer", "vision transformers"),
    "lstm": ("long short term memory", "long short-term memory"),
    "gru": ("gated recurrent unit",),
    "rnn": ("recurrent neural network", "recurrent network"),
    "cnn": ("convolutional neural network", "convolutional network", "conv net"),
    "mlp": ("multilayer perceptron", "multi layer perceptron", "multi-layer perceptron"),
    "gnn": ("graph neural network", "graph neural networks"),
    "gcn": ("graph convolutional network", "graph convolution network", "graph convnet"),
    "gat": ("graph attention network", "graph attention networks"),
    "gin": ("graph isomorphism network",),
    "sage": ("graphsage",),
    "bert": ("bidirectional encoder representations from transformers",),
    "gpt": ("generative pretrained transformer", "generative pre-trained transformer"),
    "llm": ("large language model",),
    "lm": ("language model",),
    "nst": ("neural style transfer",),
    "sr": ("super resolution", "super-resolution"),
    "nlp": ("natural language processing",),
    "seq2seq": ("sequence to sequence", "sequence-to-sequence", "encoder decoder"),
    "nmt": ("neural machine translation",),
    "char-rnn": ("character level rnn", "character rnn", "char rnn"),
    "rbm": ("restricted boltzmann machine",),
    "svm": ("support vector machine",),
    "knn": ("k nearest neighbors", "k-nearest neighbours"),
    "pca": ("principal component analysis",),
    "xgboost": ("extreme gradient boosting",),
    "gbm": ("gradient boosting machine",),
}
