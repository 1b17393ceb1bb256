"""Hand-written expectations for every fixture in tests/fixtures/corpus.

Written from reading each script as a human. A field entry is ``(value,)`` or
``(value, line_snippet, how)``: the snippet is text that occurs first on the line
the value must be reported at (the test turns it into a line number). Any field
of ``FIELD_NAMES`` that an entry does not list must be absent from the card.
``components`` maps class name -> layer counts (None: only the name is checked).
"""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, dict[str, Any]] = {}

EXPECTED["Generative-CIFAR-10-Cat-Dog/v10.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (True,),
    "dataset": ("CIFAR-10 (cat, dog)", "datasets.CIFAR10(", "literal"),
    "image_size": (32, "IMG_SIZE = 32", "constant"),
    "batch_size": (128, "BATCH_SIZE = 128", "constant"),
    "learning_rate": (2e-4, "LR = 2e-4", "constant"),
    "optimizer": ("Adam", "torch.optim.Adam(", "literal"),
    "epochs": (500, "EPOCHS = 500", "constant"),
    "loss": ("mse",),
    "seed": (0, "torch.manual_seed(0)", "literal"),
    "timesteps": (1000, "T = 1000", "constant"),
    "beta_schedule": ("linear", "betas = torch.linspace", "inferred"),
    "device": (["cuda", "mps", "cpu"], 'device = "cuda"', "literal"),
    "components": {
        "SinusoidalPositionEmbeddings": {},
        "ResBlock": {"GroupNorm": 2, "Conv2d": 3, "Linear": 1, "Identity": 1},
        "AttnBlock": {"GroupNorm": 1, "MultiheadAttention": 1},
        "UNet": {"Linear": 2, "SiLU": 1, "Embedding": 1, "Conv2d": 2},
    },
    "uses": {"UNet": ["SinusoidalPositionEmbeddings", "ResBlock", "AttnBlock"]},
}

EXPECTED["Generative-CIFAR-10-Cat-Dog/v7.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("CIFAR-10 (cat, dog)", "data = torchvision.datasets.CIFAR10(", "literal"),
    "image_size": (32, '"--image-size"', "argparse-default"),
    "batch_size": (64, '"--batch-size"', "argparse-default"),
    "learning_rate": (1e-4, '"--lr"', "argparse-default"),
    "optimizer": ("AdamW", "torch.optim.AdamW(", "literal"),
    "weight_decay": (1e-4, "torch.optim.AdamW(", "literal"),
    "epochs": (300, '"--epochs"', "argparse-default"),
    "loss": ("MSELoss",),
    "seed": (1234, '"--seed"', "argparse-default"),
    "timesteps": (4000, '"--timesteps"', "argparse-default"),
    "beta_schedule": ("cosine", "betas = cosine_beta_schedule(", "inferred"),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {
        "Block": {"Conv2d": 2, "BatchNorm2d": 2, "ReLU": 2, "Linear": 1},
        "SmallUNet": {"Linear": 1, "ReLU": 1, "MaxPool2d": 1, "Upsample": 1, "Conv2d": 1},
    },
    "uses": {"SmallUNet": ["Block"]},
}

EXPECTED["Generative-Fashion-MNIST/latent_new_conditional_model.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["latent-diffusion", "diffusion", "vae"],),
    "conditional": (True,),
    "dataset": ("Fashion-MNIST", "datasets.FashionMNIST(", "literal"),
    "batch_size": (256, '"batch_size": 256', "config-dict"),
    "learning_rate": (3e-4, '"lr": 3e-4', "config-dict"),
    "optimizer": ("Adam", 'lr=config["lr"]', "literal"),
    "epochs": (100, '"epochs": 100', "config-dict"),
    "loss": (["bce", "kl", "mse"],),
    "timesteps": (500, '"timesteps": 500', "config-dict"),
    "beta_schedule": ("linear", "betas = torch.linspace(", "inferred"),
    "device": (["cuda", "cpu"], "device = ", "literal"),
    "components": {
        "VAE": {"Conv2d": 5, "ReLU": 4, "ConvTranspose2d": 2},
        "LatentDenoiser": {"Embedding": 2, "Conv2d": 6, "GroupNorm": 4},
    },
}

EXPECTED["Generative-Fashion-MNIST/ddpm_fmnist.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("Fashion-MNIST", "data = datasets.FashionMNIST(", "literal"),
    "image_size": (28, "diffusion = Diffusion(img_size=28", "literal"),
    "batch_size": (64, 'train("DDPM_fmnist"', "call-site"),
    "learning_rate": (3e-4, "def train(", "function-default"),
    "optimizer": ("Adam", "torch.optim.Adam(", "literal"),
    "epochs": (60, 'train("DDPM_fmnist"', "call-site"),
    "loss": ("MSELoss",),
    "timesteps": (1000, "def __init__(self, noise_steps=1000", "function-default"),
    "beta_schedule": ("linear", "self.beta = self.prepare_noise_schedule()", "inferred"),
    "device": (["cuda", "cpu"], 'dev = "cuda"', "literal"),
    "components": {
        "ConvBlock": {"Conv2d": 1, "GroupNorm": 1, "GELU": 1},
        "TinyUNet": {"Linear": 1, "Conv2d": 1},
    },
    "uses": {"TinyUNet": ["ConvBlock"]},
}

EXPECTED["mnist-diffusion/models.py"] = {
    "framework": (["pytorch"],),
    # A timestep-embedded U-Net in a folder named for diffusion: the denoiser. The
    # folder name is evidence (weighted below the code) since the wild-corpus rules.
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "components": {
        "TimeEmbedding": {"Linear": 2, "SiLU": 1},
        "ResidualBlock": {"GroupNorm": 2, "SiLU": 2, "Conv2d": 3, "Linear": 1, "Identity": 1},
        "UNet": {"Conv2d": 2, "GroupNorm": 1, "SiLU": 1},
    },
    "uses": {"UNet": ["TimeEmbedding", "ResidualBlock"]},
}

EXPECTED["mnist-diffusion/train.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("MNIST", "ds = datasets.MNIST(", "literal"),
    "batch_size": (128, "batch_size: int = 128", "class-attribute"),
    "learning_rate": (1e-3, "lr: float = 1e-3", "class-attribute"),
    "optimizer": ("Adam", "torch.optim.Adam(", "literal"),
    "epochs": (30, "main(TrainConfig(epochs=30))", "call-site"),
    "loss": ("mse",),
    "seed": (42, "seed: int = 42", "class-attribute"),
    "mixed_precision": (True, "use_amp: bool = True", "class-attribute"),
    "timesteps": (1000, "timesteps: int = 1000", "class-attribute"),
    "beta_schedule": ("linear", 'beta_schedule: str = "linear"', "class-attribute"),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {
        "TimeEmbedding": {"Linear": 2, "SiLU": 1},
        "ResidualBlock": {"GroupNorm": 2, "SiLU": 2, "Conv2d": 3, "Linear": 1, "Identity": 1},
        "UNet": {"Conv2d": 2, "GroupNorm": 1, "SiLU": 1},
    },
    "component_files": {
        "UNet": "models.py",
        "TimeEmbedding": "models.py",
        "ResidualBlock": "models.py",
    },
}

EXPECTED["diffusers-flowers/train_unet.py"] = {
    "framework": (["diffusers", "pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("Oxford-102 Flowers", "dataset = datasets.Flowers102(", "literal"),
    "image_size": (64, "image_size = 64", "class-attribute"),
    "batch_size": (16, "train_batch_size = 16", "class-attribute"),
    "learning_rate": (1e-4, "learning_rate = 1e-4", "class-attribute"),
    "optimizer": ("AdamW", "optimizer = torch.optim.AdamW(", "literal"),
    "scheduler": ("cosine warmup", "lr_scheduler = get_cosine_schedule_with_warmup(", "literal"),
    "epochs": (50, "num_epochs = 50", "class-attribute"),
    "loss": ("mse",),
    "seed": (0, "seed = 0", "class-attribute"),
    "mixed_precision": ("fp16", 'mixed_precision = "fp16"', "class-attribute"),
    "timesteps": (1000, "noise_scheduler = DDPMScheduler(", "literal"),
    "beta_schedule": ("cosine", "noise_scheduler = DDPMScheduler(", "literal"),
    # accelerate takes the GPU when there is one, else the CPU.
    "device": (["cuda", "cpu"], "accelerator = Accelerator(", "literal"),
    "components": {},
}

EXPECTED["dcgan-celeba/dcgan.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["gan"],),
    "conditional": (False,),
    "dataset": ("CelebA", "'--dataroot'", "argparse-default"),
    "image_size": (64, "'--imageSize'", "argparse-default"),
    "batch_size": (128, "'--batchSize'", "argparse-default"),
    "learning_rate": (0.0002, "'--lr'", "argparse-default"),
    "optimizer": ("Adam", "optimizerG = optim.Adam(", "literal"),
    "epochs": (25, "'--niter'", "argparse-default"),
    "loss": ("BCELoss",),
    "seed": (999, "'--manualSeed'", "argparse-default"),
    "device": (["cuda", "cpu", "multi-gpu"], "device = torch.device(", "literal"),
    "components": {
        "Generator": {"ConvTranspose2d": 5, "BatchNorm2d": 4, "ReLU": 4, "Tanh": 1},
        "Discriminator": {"Conv2d": 5, "LeakyReLU": 4, "BatchNorm2d": 3, "Sigmoid": 1},
    },
}

EXPECTED["gan-experiments/cgan_mnist.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["gan"],),
    "conditional": (True,),
    "dataset": ("MNIST", "datasets.MNIST(", "literal"),
    "image_size": (28, "IMG_SIZE = 28", "constant"),
    "batch_size": (64, "BATCH_SIZE = 64", "constant"),
    "learning_rate": (2e-4, "LR_G = 2e-4", "constant"),
    "optimizer": ("Adam", "optimizer_G = torch.optim.Adam(", "literal"),
    "epochs": (200, "N_EPOCHS = 200", "constant"),
    "loss": ("MSELoss",),
    "device": (["cuda", "cpu"], "generator.cuda()", "literal"),
    "components": {
        # block() is a helper called three times: its layers count once per call.
        "Generator": {"Embedding": 1, "Linear": 4, "BatchNorm1d": 3, "LeakyReLU": 3, "Tanh": 1},
        "Discriminator": {"Embedding": 1, "Linear": 3, "LeakyReLU": 2, "Dropout": 1},
    },
}

EXPECTED["gan-experiments/wgan_gp.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["gan"],),
    "conditional": (False,),
    "dataset": ("CIFAR-10", "data = torchvision.datasets.CIFAR10(", "literal"),
    "batch_size": (64, "batch_size=64,", "config-dict"),
    "learning_rate": (1e-4, "lr=1e-4,", "config-dict"),
    "optimizer": ("Adam", "opt_g = torch.optim.Adam(", "literal"),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {
        "Generator": {"Linear": 1, "BatchNorm2d": 3, "ReLU": 3, "ConvTranspose2d": 3, "Tanh": 1},
        "Critic": {"Conv2d": 3, "LeakyReLU": 3, "Linear": 1},
    },
}

EXPECTED["vae-mnist/vae.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["vae"],),
    "conditional": (False,),
    "dataset": ("MNIST", "datasets.MNIST('../data', train=True", "literal"),
    "batch_size": (128, "'--batch-size'", "argparse-default"),
    "learning_rate": (1e-3, "optimizer = optim.Adam(", "literal"),
    "optimizer": ("Adam", "optimizer = optim.Adam(", "literal"),
    "epochs": (10, "'--epochs'", "argparse-default"),
    "loss": (["bce", "kl"],),
    "seed": (1, "'--seed'", "argparse-default"),
    "device": (["cuda", "mps", "cpu"], 'device = torch.device("cuda")', "literal"),
    "components": {"VAE": {"Linear": 5}},
}

EXPECTED["vae-celeba/conv_vae_lightning.py"] = {
    "framework": (["lightning", "pytorch"],),
    "arch_family": (["vae"],),
    "conditional": (False,),
    "dataset": ("CelebA", "train = CelebA(", "literal"),
    "image_size": (64, "tf = transforms.Compose(", "literal"),
    "batch_size": (144, "loader = DataLoader(", "literal"),
    "learning_rate": (5e-4, "def __init__(self, latent_dim=128, lr=5e-4", "function-default"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    "scheduler": (
        "ExponentialLR",
        "scheduler = torch.optim.lr_scheduler.ExponentialLR(",
        "literal",
    ),
    "epochs": (100, "trainer = L.Trainer(", "literal"),
    "loss": (["mse", "kl"],),
    "seed": (1265, "L.seed_everything(1265)", "literal"),
    "mixed_precision": ("bf16", "trainer = L.Trainer(", "literal"),
    "device": (["cuda", "multi-gpu"], "trainer = L.Trainer(", "literal"),
    "components": {
        # the decoder loop runs over zip(...) of slices: not a resolvable length, counted once
        "ConvVAE": {
            "Conv2d": 6,
            "BatchNorm2d": 7,
            "LeakyReLU": 7,
            "Linear": 3,
            "ConvTranspose2d": 2,
            "Tanh": 1,
        },
    },
}

EXPECTED["cnn-cifar10/train.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("CIFAR-10", "trainset = torchvision.datasets.CIFAR10(", "literal"),
    "image_size": (32, "transforms.RandomCrop(32", "literal"),
    "batch_size": (256, "'--bs'", "argparse-default"),
    "learning_rate": (0.1, "'--lr'", "argparse-default"),
    "optimizer": ("SGD", "optimizer = optim.SGD(", "literal"),
    "weight_decay": (5e-4, "'--wd'", "argparse-default"),
    "scheduler": ("StepLR", "scheduler = optim.lr_scheduler.StepLR(", "literal"),
    "epochs": (60, "'--epochs'", "argparse-default"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda"], "'--device'", "argparse-default"),
    "components": {
        "Net": {"Conv2d": 3, "BatchNorm2d": 3, "MaxPool2d": 1, "Dropout": 1, "Linear": 2}
    },
}

EXPECTED["cnn-cifar10/train_amp.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("CIFAR-100", "train_ds = datasets.CIFAR100(", "literal"),
    "image_size": (32, "transforms.RandomCrop(32", "literal"),
    "batch_size": (512, "BATCH = 512", "constant"),
    "learning_rate": (0.05, "MAX_LR = 0.05", "constant"),
    "optimizer": ("SGD", "optimizer = torch.optim.SGD(", "literal"),
    "weight_decay": (5e-4, "optimizer = torch.optim.SGD(", "literal"),
    "scheduler": ("OneCycleLR", "sched = torch.optim.lr_scheduler.OneCycleLR(", "literal"),
    "epochs": (30, "EPOCHS = 30", "constant"),
    "loss": ("CrossEntropyLoss",),
    "seed": (17, "SEED = 17", "constant"),
    "mixed_precision": (True, "scaler = GradScaler()", "literal"),
    "device": (["cuda"], 'device = "cuda"', "literal"),
    "components": {
        "ConvNet": {
            "Conv2d": 4,
            "BatchNorm2d": 4,
            "ReLU": 4,
            "MaxPool2d": 2,
            "AdaptiveAvgPool2d": 1,
            "Linear": 1,
        }
    },
}

EXPECTED["resnet-finetune/finetune_resnet50.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["resnet", "cnn-classifier"],),
    "pretrained": (
        True,
        "model = models.resnet50(weights=models.ResNet50_Weights.IMAGENET1K_V2)",
        "literal",
    ),
    "dataset": ("Oxford-IIIT Pets", "train_ds = datasets.OxfordIIITPet(", "literal"),
    "image_size": (224, "transforms.RandomResizedCrop(224)", "literal"),
    "batch_size": (32, "BATCH_SIZE = 32", "constant"),
    "learning_rate": (1e-4, "optimizer = SGD(", "literal"),
    "optimizer": ("SGD", "optimizer = SGD(", "literal"),
    "weight_decay": (1e-4, "optimizer = SGD(", "literal"),
    "scheduler": ("CosineAnnealingLR", "scheduler = CosineAnnealingLR(", "literal"),
    "epochs": (25, "FT_EPOCHS = 25", "constant"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {},
}

EXPECTED["lightning-mnist/lit_classifier.py"] = {
    "framework": (["lightning", "pytorch"],),
    "arch_family": (["other"],),
    "dataset": ("MNIST", "dataset = MNIST(", "literal"),
    "batch_size": (32, "train_loader = DataLoader(", "literal"),
    "learning_rate": (2e-3, "model = LitClassifier(learning_rate=2e-3)", "call-site"),
    "optimizer": ("Adam", "return torch.optim.Adam(", "literal"),
    "epochs": (15, "trainer = pl.Trainer(", "literal"),
    "loss": ("cross_entropy",),
    "seed": (1234, "pl.seed_everything(1234)", "literal"),
    "components": {"LitClassifier": {"Linear": 2, "Dropout": 1}},
}

EXPECTED["keras-experiments/mnist_cnn.py"] = {
    "framework": (["tensorflow-keras"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("MNIST", "keras.datasets.mnist.load_data()", "literal"),
    "image_size": (28, "input_shape = (28, 28, 1)", "constant"),
    "batch_size": (128, "batch_size = 128", "constant"),
    "optimizer": ("Adam", "model.compile(", "literal"),
    "learning_rate": (0.001, "model.compile(", "framework-default"),
    "epochs": (15, "epochs = 15", "constant"),
    "loss": ("categorical_crossentropy", "model.compile(", "literal"),
    "components": {
        "model": {"Conv2D": 2, "MaxPooling2D": 2, "Flatten": 1, "Dropout": 1, "Dense": 1}
    },
}

EXPECTED["keras-experiments/resnet50_transfer.py"] = {
    "framework": (["tensorflow-keras"],),
    "arch_family": (["resnet", "cnn-classifier"],),
    "pretrained": (
        True,
        'base = keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=(IMG, IMG, 3))',
        "literal",
    ),
    "dataset": ("CIFAR-10", "keras.datasets.cifar10.load_data()", "literal"),
    "image_size": (160, "IMG = 160", "constant"),
    "batch_size": (64, "BATCH_SIZE = 64", "constant"),
    "learning_rate": (1e-5, "learning_rate=1e-5", "literal"),
    "optimizer": ("Adam", "learning_rate=1e-5", "literal"),
    "scheduler": ("ReduceLROnPlateau", "ReduceLROnPlateau(patience=2)", "literal"),
    "epochs": (10, "EPOCHS_FINETUNE = 10", "constant"),
    "loss": ("sparse_categorical_crossentropy",),
    "seed": (2024, "tf.random.set_seed(2024)", "literal"),
    "mixed_precision": ("fp16", 'mixed_precision.set_global_policy("mixed_float16")', "literal"),
    "components": {
        "build_model": {"ResNet50": 1, "GlobalAveragePooling2D": 1, "Dropout": 1, "Dense": 1}
    },
}

EXPECTED["keras-experiments/imdb_lstm.py"] = {
    "framework": (["tensorflow-keras"],),
    "arch_family": (["rnn-lstm"],),
    "dataset": ("IMDB", "imdb.load_data(", "literal"),
    "batch_size": (32, "history = model.fit(", "literal"),
    "learning_rate": (5e-4, "model.compile(optimizer=RMSprop(", "literal"),
    "optimizer": ("RMSprop", "model.compile(optimizer=RMSprop(", "literal"),
    "epochs": (4, "history = model.fit(", "literal"),
    "loss": ("binary_crossentropy",),
    "device": (["cuda"], 'with tf.device("/GPU:0")', "literal"),
    "components": {
        "model": {"Embedding": 1, "Bidirectional": 2, "LSTM": 2, "Dropout": 1, "Dense": 1}
    },
}

EXPECTED["char-rnn/char_lstm.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["language-model", "rnn-lstm"],),
    "dataset": ("Shakespeare", "DATA_URL = ", "constant"),
    "batch_size": (64, "BATCH_SIZE = 64", "constant"),
    "learning_rate": (2e-3, "LR = 2e-3", "constant"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    "epochs": (20, "N_EPOCHS = 20", "constant"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {"CharLSTM": {"Embedding": 1, "LSTM": 1, "Dropout": 1, "Linear": 1}},
}

EXPECTED["char-rnn/char_gru.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["language-model", "rnn-lstm"],),
    # (value, snippet, how, file the value comes from)
    "dataset": ("Shakespeare", "path: data/shakespeare.txt", "config-file", "config.yaml"),
    "batch_size": (128, "batch_size: 128", "config-file", "config.yaml"),
    "learning_rate": (0.003, "learning_rate: 0.003", "config-file", "config.yaml"),
    "optimizer": ("RMSprop", "opt = torch.optim.RMSprop(", "literal"),
    "epochs": (30, "epochs: 30", "config-file", "config.yaml"),
    "loss": ("CrossEntropyLoss",),
    "seed": (7, "seed: 7", "config-file", "config.yaml"),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {"CharGRU": {"Embedding": 1, "GRU": 1, "Linear": 1}},
}

EXPECTED["vit-cifar100/vit.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["transformer"],),
    "dataset": ("CIFAR-100", "train = datasets.CIFAR100(", "literal"),
    "image_size": (32, "transforms.RandomCrop(32", "literal"),
    "batch_size": (128, '"--batch_size"', "argparse-default"),
    "learning_rate": (1e-3, '"--lr"', "argparse-default"),
    "optimizer": ("AdamW", "opt = torch.optim.AdamW(", "literal"),
    "weight_decay": (0.05, '"--wd"', "argparse-default"),
    "scheduler": (
        "CosineAnnealingLR",
        "sched = torch.optim.lr_scheduler.CosineAnnealingLR(",
        "literal",
    ),
    "epochs": (200, '"--epochs"', "argparse-default"),
    "loss": ("cross_entropy",),
    "mixed_precision": (False, '"--amp"', "argparse-default"),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {
        "PatchEmbed": {"Conv2d": 1},
        "EncoderBlock": {
            "LayerNorm": 2,
            "MultiheadAttention": 1,
            "Linear": 2,
            "GELU": 1,
            "Dropout": 2,
        },
        "ViT": {"LayerNorm": 1, "Linear": 1},
    },
    "uses": {"ViT": ["PatchEmbed", "EncoderBlock"]},
}

EXPECTED["hf-nlp/bert_imdb.py"] = {
    "framework": (["transformers"],),
    "arch_family": (["transformer"],),
    "pretrained": (
        True,
        "model = AutoModelForSequenceClassification.from_pretrained(MODEL_NAME, num_labels=2)",
        "literal",
    ),
    "dataset": ("IMDB", 'dataset = load_dataset("imdb")', "literal"),
    "batch_size": (16, "per_device_train_batch_size=16,", "literal"),
    "learning_rate": (2e-5, "learning_rate=2e-5,", "literal"),
    "optimizer": ("AdamW", "trainer = Trainer(", "framework-default"),
    "weight_decay": (0.01, "weight_decay=0.01,", "literal"),
    "scheduler": ("linear warmup", 'lr_scheduler_type="linear",', "literal"),
    "epochs": (3, "num_train_epochs=3,", "literal"),
    "seed": (42, "seed=42,", "literal"),
    "mixed_precision": ("fp16", "fp16=True,", "literal"),
    "components": {},
}

EXPECTED["hf-nlp/gpt2_wikitext.py"] = {
    "framework": (["transformers"],),
    "arch_family": (["language-model", "transformer"],),
    "pretrained": (True, 'model = AutoModelForCausalLM.from_pretrained("gpt2")', "literal"),
    "dataset": ("WikiText-2", "raw = load_dataset(", "literal"),
    "batch_size": (8, "per_device_train_batch_size=8,", "literal"),
    "learning_rate": (5e-5, "learning_rate=5e-5,", "literal"),
    "optimizer": ("AdamW", 'optim="adamw_torch",', "literal"),
    "scheduler": ("cosine warmup", 'lr_scheduler_type="cosine",', "literal"),
    "epochs": (2, "num_train_epochs=2,", "literal"),
    "seed": (1337, "set_seed(1337)", "literal"),
    "mixed_precision": ("bf16", "bf16=True,", "literal"),
    "components": {},
}

EXPECTED["seq2seq-translation/seq2seq_gru.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["seq2seq", "rnn-lstm"],),
    "learning_rate": (0.01, "def main(n_iters=75000, learning_rate=0.01)", "function-default"),
    "optimizer": ("SGD", "dec_opt = torch.optim.SGD(", "literal"),
    # open("data/eng-fra.txt"): the tutorial's Tatoeba sentence pairs.
    "dataset": ("Tatoeba eng-fra", "pairs = [tuple(normalize(s)", "literal"),
    # One random sentence pair per optimizer step.
    "batch_size": (1, "a, b = random.choice(pairs)", "inferred"),
    "loss": ("NLLLoss",),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {
        "EncoderRNN": {"Embedding": 1, "GRU": 1, "Dropout": 1},
        "AttnDecoderRNN": {"Embedding": 1, "Linear": 4, "GRU": 1, "Dropout": 1},
    },
}

EXPECTED["seq2seq-translation/transformer_nmt.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["seq2seq", "transformer"],),
    "batch_size": (128, "BATCH_SIZE = 128", "constant"),
    "learning_rate": (0.0001, "optimizer = torch.optim.Adam(", "literal"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    "epochs": (18, "NUM_EPOCHS = 18", "constant"),
    "loss": ("CrossEntropyLoss",),
    "seed": (0, "torch.manual_seed(0)", "literal"),
    "device": (["cuda", "cpu"], "DEVICE = torch.device(", "literal"),
    "components": {
        "PositionalEncoding": {"Dropout": 1},
        "Seq2SeqTransformer": {"Transformer": 1, "Linear": 1, "Embedding": 2},
    },
    "uses": {"Seq2SeqTransformer": ["PositionalEncoding"]},
}

EXPECTED["siamese-nets/siamese_mnist.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["siamese"],),
    "dataset": ("MNIST", "mnist = datasets.MNIST(", "literal"),
    "batch_size": (64, "BATCH_SIZE = 64", "constant"),
    "learning_rate": (5e-4, "LEARNING_RATE = 5e-4", "constant"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    "epochs": (12, "EPOCHS = 12", "constant"),
    "loss": ("ContrastiveLoss",),
    "device": (["mps", "cpu"], 'device = "mps"', "literal"),
    "components": {
        "SiameseNetwork": {"Conv2d": 2, "ReLU": 3, "MaxPool2d": 2, "Linear": 2},
        "ContrastiveLoss": {},
    },
}

EXPECTED["siamese-nets/triplet_fmnist.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["siamese"],),
    "dataset": ("Fashion-MNIST", "train_set = TripletDataset(FashionMNIST(", "literal"),
    "batch_size": (256, 'cfg = {"epochs": 8', "config-dict"),
    "learning_rate": (1e-3, 'cfg = {"epochs": 8', "config-dict"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    "scheduler": ("StepLR", "scheduler = torch.optim.lr_scheduler.StepLR(", "literal"),
    "epochs": (8, 'cfg = {"epochs": 8', "config-dict"),
    "loss": ("TripletMarginLoss",),
    "device": (["cuda", "cpu"], 'device = torch.device("cuda")', "literal"),
    "components": {"EmbeddingNet": {"Conv2d": 2, "PReLU": 3, "MaxPool2d": 2, "Linear": 2}},
}

EXPECTED["style-transfer/neural_style.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["style-transfer"],),
    "pretrained": (
        True,
        "cnn = models.vgg19(weights=models.VGG19_Weights.DEFAULT).features.eval().to(device)",
        "literal",
    ),
    "optimizer": ("LBFGS", "optimizer = torch.optim.LBFGS(", "literal"),
    "learning_rate": (1.0, "optimizer = torch.optim.LBFGS(", "framework-default"),
    "loss": (["mse", "ContentLoss", "StyleLoss"],),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {"ContentLoss": {}, "StyleLoss": {}},
}

EXPECTED["super-resolution/srcnn.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["super-resolution"],),
    "dataset": (
        "BSDS300",
        'loader = DataLoader(PatchDataset("data/BSDS300/images/train")',
        "inferred",
    ),
    "batch_size": (16, "def train(epochs=400, lr=1e-4, batch_size=16)", "function-default"),
    "learning_rate": (1e-4, "def train(epochs=400, lr=1e-4, batch_size=16)", "function-default"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam([", "literal"),
    "epochs": (200, "train(epochs=200)", "call-site"),
    "loss": ("MSELoss",),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {"SRCNN": {"Conv2d": 3, "ReLU": 1}},
}

EXPECTED["super-resolution/espcn.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["super-resolution"],),
    "dataset": ("DIV2K", 'ds = ImageFolder("data/DIV2K_train_HR"', "literal"),
    "image_size": (256, '"crop_size": 256', "config-file", "espcn_config.json"),
    "batch_size": (32, '"batch_size": 32', "config-file", "espcn_config.json"),
    "learning_rate": (0.001, '"lr": 0.001', "config-file", "espcn_config.json"),
    "optimizer": ("Adam", "optimizer = optim.Adam(", "literal"),
    "scheduler": ("MultiStepLR", "scheduler = optim.lr_scheduler.MultiStepLR(", "literal"),
    "epochs": (100, '"epochs": 100', "config-file", "espcn_config.json"),
    "loss": ("MSELoss",),
    "seed": (123, '"seed": 123', "config-file", "espcn_config.json"),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {"ESPCN": {"Conv2d": 3, "Tanh": 2, "PixelShuffle": 1}},
}

EXPECTED["rl-cartpole/dqn.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["reinforcement-learning"],),
    "dataset": ("CartPole", 'env = gym.make("CartPole-v1")', "literal"),
    "batch_size": (128, "BATCH_SIZE = 128", "constant"),
    "epochs": (600, "NUM_EPISODES = 600", "constant"),  # episodes count as epochs
    "learning_rate": (1e-4, "LR = 1e-4", "constant"),
    "optimizer": ("AdamW", "optimizer = optim.AdamW(", "literal"),
    "loss": ("SmoothL1Loss",),
    "seed": (42, "state, info = env.reset(seed=42)", "literal"),
    "device": (["cuda", "mps", "cpu"], "device = torch.device(", "literal"),
    "components": {"DQN": {"Linear": 3}},
}

EXPECTED["rl-cartpole/ppo.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["reinforcement-learning"],),
    "dataset": ("CartPole", 'env = gym.make("CartPole-v1")', "literal"),
    "learning_rate": (3e-4, '"lr": 3e-4,', "config-dict"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    # PPO's update epochs per rollout
    "epochs": (10, '"epochs": 10,', "config-dict"),
    "seed": (3, "torch.manual_seed(3)", "literal"),
    "components": {"ActorCritic": {"Linear": 6, "Tanh": 4}},
}

EXPECTED["rl-cartpole/sb3_lunar.py"] = {
    "framework": (["stable-baselines3"],),
    "arch_family": (["reinforcement-learning"],),
    "dataset": ("LunarLander", 'vec_env = make_vec_env("LunarLander-v2"', "literal"),
    "batch_size": (64, "batch_size=64,", "literal"),
    "learning_rate": (3e-4, "learning_rate=3e-4,", "literal"),
    # SB3's PPO policy builds Adam when policy_kwargs names no optimizer_class.
    "optimizer": ("Adam", "model = PPO(", "framework-default"),
    "seed": (0, 'vec_env = make_vec_env("LunarLander-v2"', "literal"),
    "device": (["cpu"], 'device="cpu",', "literal"),
    "components": {},
}

EXPECTED["sklearn-tabular/iris_pipeline.py"] = {
    "framework": (["sklearn"],),
    "arch_family": (["other"],),
    "dataset": ("Iris", "X, y = load_iris(", "literal"),
    "seed": (0, "RANDOM_STATE = 0", "constant"),
    "components": {},
}

EXPECTED["sklearn-tabular/housing_gbr.py"] = {
    "framework": (["sklearn"],),
    "arch_family": (["other"],),
    "dataset": ("California Housing", "data = fetch_california_housing(", "literal"),
    "learning_rate": (0.05, "gbr = GradientBoostingRegressor(", "literal"),
    "seed": (42, "X_train, X_test, y_train, y_test = train_test_split(", "literal"),
    "components": {},
}

EXPECTED["sklearn-tabular/xgb_breast_cancer.py"] = {
    "framework": (["xgboost", "sklearn"],),
    "arch_family": (["other"],),
    "dataset": ("Breast Cancer", "X, y = load_breast_cancer(", "literal"),
    "learning_rate": (0.03, "learning_rate=0.03,", "literal"),
    "seed": (7, "SEED = 7", "constant"),
    "device": (["cuda"], 'device="cuda",', "literal"),
    "components": {},
}

EXPECTED["jax-mnist/flax_cnn.py"] = {
    "framework": (["jax-flax"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("MNIST", 'ds = tfds.load("mnist"', "literal"),
    "batch_size": (128, "BATCH_SIZE = 128", "constant"),
    "learning_rate": (0.1, "LEARNING_RATE = 0.1", "constant"),
    "optimizer": ("SGD", "tx = optax.sgd(", "literal"),
    "epochs": (10, "NUM_EPOCHS = 10", "constant"),
    "loss": ("cross_entropy",),
    "seed": (0, "rng = jax.random.PRNGKey(0)", "literal"),
    "components": {"CNN": {"Conv": 2, "Dense": 2}},
}

EXPECTED["unet-segmentation/unet_voc.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["unet"],),
    "dataset": ("Pascal VOC", "ds = VOCSegmentation(", "literal"),
    "image_size": (256, '"--size"', "argparse-default"),
    "batch_size": (8, '"--batch-size"', "argparse-default"),
    "learning_rate": (3e-4, '"--lr"', "argparse-default"),
    "optimizer": ("Adam", "opt = torch.optim.Adam(", "literal"),
    "epochs": (50, '"--epochs"', "argparse-default"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {
        "DoubleConv": {"Conv2d": 2, "BatchNorm2d": 2, "ReLU": 2},
        "UNet": {"ConvTranspose2d": 4, "Conv2d": 1},
    },
    "uses": {"UNet": ["DoubleConv"]},
}

EXPECTED["autoencoder-mnist/denoising_ae.py"] = {
    "framework": (["tensorflow-keras"],),
    "arch_family": (["autoencoder"],),
    "conditional": (False,),
    "dataset": ("MNIST", "keras.datasets.mnist.load_data()", "literal"),
    "image_size": (28, "inp = keras.Input(", "literal"),
    "batch_size": (256, "BATCH_SIZE = 256", "constant"),
    "learning_rate": (1e-3, "autoencoder.compile(", "literal"),
    "optimizer": ("Adam", "autoencoder.compile(", "literal"),
    "epochs": (50, "EPOCHS = 50", "constant"),
    "loss": ("binary_crossentropy",),
    "components": {"build_autoencoder": {"Conv2D": 3, "MaxPooling2D": 2, "Conv2DTranspose": 2}},
}

# A file in the middle of an edit: the optimizer line is unclosed, so it is lost;
# everything else still counts and the card says why it is partial.
EXPECTED["legacy/half_edited_mnist.py"] = {
    "status": "partial",
    "message": "syntax error at line 26: '(' was never closed",
    "framework": (["pytorch"],),
    "arch_family": (["other"],),
    "dataset": ("MNIST", "train_ds = datasets.MNIST(", "literal"),
    "batch_size": (100, "BATCH_SIZE = 100", "constant"),
    "learning_rate": (0.01, "LR = 0.01", "constant"),
    "epochs": (5, "EPOCHS = 5", "constant"),
    "loss": ("CrossEntropyLoss",),
    "components": {"MLP": {"Flatten": 1, "Linear": 2, "ReLU": 1}},
}

EXPECTED["legacy/mnist_mlp_py2.py"] = {
    "status": "partial",
    "message": "syntax error at line 22: Missing parentheses in call to 'print'",
    "framework": (["tensorflow-keras"],),
    "arch_family": (["other"],),
    "dataset": ("MNIST", "(X_train, y_train), (X_test, y_test) = mnist.load_data()", "literal"),
    "batch_size": (128, "batch_size = 128", "constant"),
    "learning_rate": (0.001, "model.compile(", "literal"),
    "optimizer": ("RMSprop", "model.compile(", "literal"),
    "epochs": (20, "nb_epoch = 20", "constant"),
    "loss": ("categorical_crossentropy",),
    "seed": (1337, "np.random.seed(1337)", "literal"),
    "components": {"model": {"Dense": 3, "Activation": 3, "Dropout": 2}},
}

EXPECTED["legacy/cifar_vgg_latin1.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("CIFAR-10", "donnees = torchvision.datasets.CIFAR10(", "literal"),
    "batch_size": (96, "TAILLE_LOT = 96", "constant"),
    "learning_rate": (0.02, "TAUX_APPRENTISSAGE = 0.02", "constant"),
    "optimizer": ("SGD", "optimiseur = torch.optim.SGD(", "literal"),
    "epochs": (40, "NB_EPOQUES = 40", "constant"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda", "cpu"], "appareil = ", "literal"),
    "components": {
        "PetitVGG": {
            "Conv2d": 4,
            "ReLU": 5,
            "MaxPool2d": 2,
            "Flatten": 1,
            "Linear": 2,
            "Dropout": 1,
        }
    },
    "description_has": ("Réseau VGG réduit",),
}

# Notebooks: lines are (code-cell number, snippet within that cell).
EXPECTED["notebooks/diffusion_mnist_experiments.ipynb"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("MNIST", (6, 'ds = datasets.MNIST("data"'), "literal"),
    "image_size": (28, (3, "IMG = 28"), "constant"),
    "batch_size": (128, (3, "BATCH = 128"), "constant"),
    "learning_rate": (5e-4, (3, "LR = 5e-4"), "constant"),
    "optimizer": ("Adam", (6, "opt = torch.optim.Adam("), "literal"),
    "epochs": (15, (3, "EPOCHS = 15"), "constant"),
    "loss": ("mse",),
    "timesteps": (300, (3, "TIMESTEPS = 300"), "constant"),
    "beta_schedule": ("cosine", (4, "betas = cosine_beta_schedule("), "inferred"),
    "device": (["cuda", "mps", "cpu"], (3, 'device = "cuda"'), "literal"),
    "components": {
        "Block": {"Conv2d": 2, "Linear": 1, "BatchNorm2d": 1},
        "UNetSmall": {"Conv2d": 1},
    },
    "uses": {"UNetSmall": ["Block"]},
}

EXPECTED["notebooks/fashion_mnist_keras.ipynb"] = {
    "framework": (["tensorflow-keras"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("Fashion-MNIST", (2, "keras.datasets.fashion_mnist.load_data()"), "literal"),
    "batch_size": (64, (4, "history = model.fit("), "literal"),
    "learning_rate": (2e-3, (3, "model.compile(optimizer=keras.optimizers.Nadam("), "literal"),
    "optimizer": ("Nadam", (3, "model.compile(optimizer=keras.optimizers.Nadam("), "literal"),
    "epochs": (12, (4, "history = model.fit("), "literal"),
    "loss": ("SparseCategoricalCrossentropy",),
    "components": {
        "model": {"Reshape": 1, "Conv2D": 2, "MaxPooling2D": 2, "Flatten": 1, "Dense": 2}
    },
}

EXPECTED["notebooks/digits_forest.ipynb"] = {
    "status": "partial",
    "message": "syntax error in cell 4 at line 1",
    "framework": (["sklearn"],),
    "arch_family": (["other"],),
    "dataset": ("Digits", (2, "X, y = load_digits("), "literal"),
    "seed": (11, (2, "clf = RandomForestClassifier("), "literal"),
    "components": {},
}

# The description of the flagship fixture, word for word (it is what gets embedded).
EXPECTED["Generative-CIFAR-10-Cat-Dog/v10.py"]["description_has"] = (
    "Class-conditional DDPM-style diffusion model (UNet with attention) in PyTorch trained on "
    "CIFAR-10 (cat, dog) at 32x32: batch 128, Adam lr 2e-4, 500 epochs, 1000 timesteps, "
    "linear beta schedule; runs on cuda/mps/cpu.",
)
