"""Hand-written expectations for the bundled demo corpus (daemon/msqd/demo_corpus).

Written from the corpus README (the user-visible ground truth) and from reading each
script, before looking at what the extractor says. Same shape as ``expected.py``: a
field entry is ``(value,)`` or ``(value, line_snippet, how)``; every field of
``FIELD_NAMES`` an entry does not list must be absent. ``alternatives`` maps a field
to the exact list of its alternative values; ``components`` maps class name -> layer
counts (None: only the name is checked); ``uses`` maps class name -> used classes.

Where the README and the card differ by documented rule (canonical names such as
"Shakespeare" for Tiny Shakespeare, "CartPole" for CartPole-v1; no invented library
defaults such as the HF Trainer's AdamW; no device for code that never names one),
the card's rule wins and a comment says so.
"""

from __future__ import annotations

from typing import Any

DEMO: dict[str, dict[str, Any]] = {}

DEMO["Generative-CIFAR-10-Cat-Dog/ddpm_v10.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("CIFAR-10 (cat, dog)", "full = datasets.CIFAR10(", "literal"),
    "image_size": (32, "IMG_SIZE = 32", "constant"),
    "batch_size": (128, "BATCH_SIZE = 128", "constant"),
    "learning_rate": (2e-4, "LEARNING_RATE = 2e-4", "constant"),
    "optimizer": ("Adam", "optimizer = torch.optim.Adam(", "literal"),
    "epochs": (200, "EPOCHS = 200", "constant"),
    "loss": ("mse",),
    "timesteps": (1000, "TIMESTEPS = 1000", "constant"),
    "beta_schedule": ("linear", "betas = torch.linspace(", "inferred"),
    "device": (["cuda", "mps", "cpu"],),
    "components": {
        "ResBlock": {"Conv2d": 3, "GroupNorm": 2, "Linear": 1, "Identity": 1},
        "UNet": {"Linear": 2, "SiLU": 1, "Conv2d": 2},
    },
    "uses": {"UNet": ["ResBlock"]},
}

DEMO["cifar10-diffusion-attention/train_unet_attn.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("CIFAR-10", "train = datasets.CIFAR10(", "literal"),
    "batch_size": (64, '"--batch-size"', "argparse-default"),
    "learning_rate": (1e-4, '"--lr"', "argparse-default"),
    "optimizer": ("AdamW", "opt = torch.optim.AdamW(", "literal"),
    "weight_decay": (0.01, '"--weight-decay"', "argparse-default"),
    "epochs": (300, '"--epochs"', "argparse-default"),
    "loss": ("mse",),
    "mixed_precision": ("fp16", "with torch.autocast(", "literal"),
    "timesteps": (1000, '"--timesteps"', "argparse-default"),
    "beta_schedule": ("cosine", "betas = cosine_beta_schedule(", "inferred"),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {
        "SelfAttention": {"GroupNorm": 1, "MultiheadAttention": 1},
        "Block": {"GroupNorm": 2, "SiLU": 2, "Conv2d": 3, "Dropout": 1, "Linear": 1, "Identity": 2},
        "AttnUNet": {"Linear": 2, "SiLU": 2, "Conv2d": 2, "GroupNorm": 1},
    },
    "uses": {"Block": ["SelfAttention"], "AttnUNet": ["Block"]},
}

DEMO["cifar10-conditional-diffusion/cond_ddpm.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (True,),
    "dataset": ("CIFAR-10",),
    # config["image_size"] is never read; the size the code uses is the sampling shape.
    "image_size": (32, "x = torch.randn(len(labels), 3, 32, 32", "literal"),
    "batch_size": (256, '"batch_size": 256', "config-dict"),
    "learning_rate": (3e-4, '"lr": 3e-4', "config-dict"),
    "optimizer": ("Adam", "optim = torch.optim.Adam(", "literal"),
    "epochs": (100, '"epochs": 100', "config-dict"),
    "loss": ("mse",),
    "timesteps": (500, '"timesteps": 500', "config-dict"),
    "beta_schedule": ("linear",),
    "device": (["cuda"], 'device = torch.device("cuda")', "literal"),
    "components": {
        "CondUNet": {
            "Embedding": 1,
            "Linear": 2,
            "SiLU": 1,
            "Conv2d": 4,
            "BatchNorm2d": 5,
            "ReLU": 5,
            "ConvTranspose2d": 2,
        }
    },
}

DEMO["mnist-diffusion/train.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("MNIST", "data = datasets.MNIST(", "literal"),
    "image_size": (28, "x = torch.randn(64, 1, 28, 28", "literal"),
    "batch_size": (128, "batch_size = 128", "constant"),
    "learning_rate": (1e-3, "lr = 1e-3", "constant"),
    "optimizer": ("Adam", "opt = torch.optim.Adam(", "literal"),
    "epochs": (20, "epochs = 20", "constant"),
    "loss": ("mse",),
    "timesteps": (300, "T = 300", "constant"),
    "beta_schedule": ("linear", "beta = torch.linspace(", "inferred"),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {"TinyUNet": {"Embedding": 1, "Conv2d": 5, "ReLU": 4}},
}

DEMO["mnist-diffusion/conditional_mnist.py"] = {
    "framework": (["pytorch"],),
    # No U-Net: a stack of residual conv blocks at one resolution.
    "arch_family": (["diffusion"],),
    "conditional": (True,),
    "dataset": ("MNIST", "ds = MNIST(", "literal"),
    "batch_size": (256, '"--bs"', "argparse-default"),
    "learning_rate": (5e-4, '"--lr"', "argparse-default"),
    "optimizer": ("Adam", "opt = torch.optim.Adam(", "literal"),
    "scheduler": ("OneCycleLR", "sched = torch.optim.lr_scheduler.OneCycleLR(", "literal"),
    "epochs": (30, '"--epochs"', "argparse-default"),
    "loss": ("mse",),
    "timesteps": (400, '"--steps"', "argparse-default"),
    "beta_schedule": ("cosine", "betas = cosine_schedule(", "inferred"),
    "device": (["cuda", "cpu"], '"--device"', "argparse-default"),
    "components": {"ConditionalDenoiser": {"Embedding": 2, "Conv2d": 6, "GroupNorm": 4, "SiLU": 4}},
}

DEMO["Generative-Fashion-MNIST/latent_new_conditional_model.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["latent-diffusion", "diffusion", "vae"],),
    "conditional": (True,),
    "dataset": ("Fashion-MNIST", "train = datasets.FashionMNIST(", "literal"),
    "batch_size": (64, "batch_size: int = 64", "class-attribute"),
    "learning_rate": (5e-4, "lr: float = 5e-4", "class-attribute"),
    "optimizer": ("AdamW", "opt = torch.optim.AdamW(", "literal"),
    "weight_decay": (1e-2, "weight_decay: float = 1e-2", "class-attribute"),
    "epochs": (50, "epochs: int = 50", "class-attribute"),
    # The VAE stage's KL term is written before its reconstruction MSE.
    "loss": (["kl", "mse"],),
    "timesteps": (1000, "timesteps: int = 1000", "class-attribute"),
    "beta_schedule": ("cosine", "alpha_bar = cosine_alpha_bar(", "inferred"),
    "device": (["cuda", "mps", "cpu"], "device = ", "literal"),
    "alternatives": {
        "optimizer": ["Adam"],
        "learning_rate": [1e-3],
        "epochs": [10],
    },
    "components": {
        "VAE": {"Conv2d": 4, "SiLU": 4, "ConvTranspose2d": 2, "Tanh": 1},
        "LatentDenoiser": {"Embedding": 1, "Linear": 2, "SiLU": 3, "Conv2d": 4, "GroupNorm": 2},
    },
}

DEMO["Generative-Fashion-MNIST/ddpm_fashion_v2.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["diffusion", "unet"],),
    "conditional": (False,),
    "dataset": ("Fashion-MNIST", "ds = datasets.FashionMNIST(", "literal"),
    "image_size": (28, "x = torch.randn(n, 1, 28, 28)", "literal"),
    "batch_size": (32, "BATCH = 32", "constant"),
    "learning_rate": (2e-4, "LR = 2e-4", "constant"),
    "optimizer": ("Adam", "opt = torch.optim.Adam(", "literal"),
    "epochs": (15, "EPOCHS = 15", "constant"),
    "loss": ("l1",),
    "timesteps": (400, "N_STEPS = 400", "constant"),
    "beta_schedule": ("linear", "betas = torch.linspace(", "inferred"),
    "device": (["cpu"], 'device = torch.device("cpu")', "literal"),
    "components": {"Denoiser": {"Linear": 1, "Conv2d": 4, "ConvTranspose2d": 1, "BatchNorm2d": 1}},
}

DEMO["gan-celeba/dcgan.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["gan"],),
    "conditional": (False,),
    "dataset": ("CelebA", "dataset = datasets.CelebA(", "literal"),
    "image_size": (64, "IMAGE_SIZE = 64", "constant"),
    "batch_size": (128, "BATCH_SIZE = 128", "constant"),
    "learning_rate": (2e-4, "LR = 0.0002", "constant"),
    "optimizer": ("Adam", "optG = torch.optim.Adam(", "literal"),
    "epochs": (25, "NUM_EPOCHS = 25", "constant"),
    "loss": ("BCELoss",),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {
        "Generator": {"ConvTranspose2d": 5, "BatchNorm2d": 4, "ReLU": 4, "Tanh": 1},
        "Discriminator": {"Conv2d": 5, "LeakyReLU": 4, "BatchNorm2d": 3, "Sigmoid": 1},
    },
}

DEMO["vae-mnist/vae.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["vae"],),
    "conditional": (False,),
    "dataset": ("MNIST", 'datasets.MNIST("../data", train=True', "literal"),
    "batch_size": (128, '"--batch-size"', "argparse-default"),
    "learning_rate": (1e-3, '"--lr"', "argparse-default"),
    "optimizer": ("Adam", "optimizer = optim.Adam(", "literal"),
    "epochs": (10, '"--epochs"', "argparse-default"),
    "loss": (["bce", "kl"],),
    "seed": (1, '"--seed"', "argparse-default"),
    "device": (["cuda", "cpu"], "device = torch.device(", "literal"),
    "components": {"VAE": {"Linear": 5}},
}

DEMO["cifar-classifier/train.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("CIFAR-10", "trainset = torchvision.datasets.CIFAR10(", "literal"),
    "image_size": (32, "transforms.RandomCrop(32", "literal"),
    "batch_size": (128, '"--batch_size"', "argparse-default"),
    "learning_rate": (0.05, '"--lr"', "argparse-default"),
    "optimizer": ("SGD", "optimizer = torch.optim.SGD(", "literal"),
    "weight_decay": (5e-4, '"--wd"', "argparse-default"),
    "scheduler": ("CosineAnnealingLR", "scheduler = torch.optim.lr_scheduler.Cosine", "literal"),
    "epochs": (30, '"--epochs"', "argparse-default"),
    "loss": ("cross_entropy",),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {
        "Net": {"Conv2d": 6, "BatchNorm2d": 6, "ReLU": 6, "MaxPool2d": 3, "Dropout": 1, "Linear": 1}
    },
}

DEMO["resnet-finetune/finetune_resnet50.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["resnet", "cnn-classifier"],),
    "pretrained": (
        True,
        "model = models.resnet50(weights=models.ResNet50_Weights.IMAGENET1K_V2)",
        "literal",
    ),
    "dataset": ("Oxford-IIIT Pets", "train_ds = datasets.OxfordIIITPet(", "literal"),
    "image_size": (224, "transforms.RandomResizedCrop(224)", "literal"),
    "batch_size": (32, "batch_size = 32", "constant"),
    # Main run: all layers at lr / 10 after the 3 head-only epochs (the documented
    # "last optimizer" rule); the head-only stage's 0.01 is the alternative.
    "learning_rate": (1e-3, "lr = 0.01", "constant"),
    "optimizer": ("SGD", "optimizer = torch.optim.SGD(model.parameters()", "literal"),
    "weight_decay": (1e-4, "optimizer = torch.optim.SGD(model.parameters()", "literal"),
    "scheduler": ("StepLR", "scheduler = torch.optim.lr_scheduler.StepLR(", "literal"),
    "epochs": (15, "epochs = 15", "constant"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda", "mps", "cpu"],),
    "alternatives": {"optimizer": ["SGD"], "learning_rate": [0.01]},
    "components": {},
}

DEMO["keras-cnn/fashion_cnn_keras.py"] = {
    "framework": (["tensorflow-keras"],),
    "arch_family": (["cnn-classifier"],),
    "dataset": ("Fashion-MNIST", "keras.datasets.fashion_mnist.load_data()", "literal"),
    "image_size": (28, "keras.Input(shape=(28, 28, 1))", "literal"),
    "batch_size": (64, "BATCH_SIZE = 64", "constant"),
    "learning_rate": (1e-3, "LEARNING_RATE = 1e-3", "constant"),
    "optimizer": ("RMSprop", "optimizer=keras.optimizers.RMSprop(", "literal"),
    "scheduler": ("ReduceLROnPlateau", "keras.callbacks.ReduceLROnPlateau(", "literal"),
    "epochs": (12, "EPOCHS = 12", "constant"),
    "loss": ("sparse_categorical_crossentropy",),
    # README: "TensorFlow default (GPU if present)" - the code names no device.
    "components": {"model": None},
}

DEMO["lightning-cifar/lit_resnet.py"] = {
    "framework": (["lightning", "pytorch"],),
    "arch_family": (["resnet", "cnn-classifier"],),
    "dataset": ("CIFAR-10", "full = torchvision.datasets.CIFAR10(", "literal"),
    "image_size": (32, "transforms.RandomCrop(32, 4)", "literal"),
    "batch_size": (256,),
    "learning_rate": (1e-3,),
    "optimizer": ("AdamW", "opt = torch.optim.AdamW(", "literal"),
    "weight_decay": (0.05,),
    "scheduler": ("OneCycleLR", "sched = torch.optim.lr_scheduler.OneCycleLR(", "literal"),
    "epochs": (40, "max_epochs=40,", "literal"),
    "loss": ("cross_entropy",),
    "seed": (42,),
    "mixed_precision": ("bf16", 'precision="bf16-mixed",', "literal"),
    "device": (["cuda", "multi-gpu"],),
    "components": {"LitResNet": None},
}

DEMO["jax-mlp/flax_mlp.py"] = {
    "framework": (["jax-flax"],),
    # An MLP classifier: no family evidence (an MLP is not a CNN).
    "arch_family": (["other"],),
    "dataset": ("MNIST", "ds = tfds.as_numpy(tfds.load(", "literal"),
    "batch_size": (256, "BATCH_SIZE = 256", "constant"),
    "learning_rate": (1e-3, "LEARNING_RATE = 1e-3", "constant"),
    "optimizer": ("Adam", "state = train_state.TrainState.create(", "literal"),
    "epochs": (10, "NUM_EPOCHS = 10", "constant"),
    "loss": ("cross_entropy",),
    "seed": (0, "rng = jax.random.PRNGKey(0)", "literal"),
    "device": (["cpu"], 'jax.config.update("jax_platform_name", "cpu")', "literal"),
    "components": {"MLP": None},
}

DEMO["hf-text-classifier/train_sst2.py"] = {
    "framework": (["transformers"],),
    "arch_family": (["transformer"],),
    "pretrained": (
        True,
        "model = AutoModelForSequenceClassification.from_pretrained(MODEL_NAME, num_labels=2)",
        "literal",
    ),
    # load_dataset("glue", "sst2"): the config name is the data set.
    "dataset": ("SST-2", 'raw = load_dataset("glue", "sst2")', "literal"),
    "batch_size": (32, "per_device_train_batch_size=32,", "literal"),
    "learning_rate": (2e-5, "learning_rate=2e-5,", "literal"),
    # The Trainer's own AdamW, reported as an implicit framework default.
    "optimizer": ("AdamW", "trainer = Trainer(", "framework-default"),
    "weight_decay": (0.01, "weight_decay=0.01,", "literal"),
    "scheduler": ("linear warmup", 'lr_scheduler_type="linear",', "literal"),
    "epochs": (3, "num_train_epochs=3,", "literal"),
    "seed": (13, "seed=13,", "literal"),
    "mixed_precision": ("fp16", "fp16=True,", "literal"),
    "components": {},
}

DEMO["sklearn-newsgroups/tfidf_pipeline.py"] = {
    "framework": (["sklearn"],),
    "arch_family": (["other"],),
    "dataset": (
        "20 Newsgroups (alt.atheism, comp.graphics, sci.med, sci.space, rec.sport.hockey, "
        "talk.politics.guns)",
        "train = fetch_20newsgroups(",
        "literal",
    ),
    # SGDClassifier is trained by SGD; its learning rate is a schedule name, not a number.
    "optimizer": ("SGD", '("clf", SGDClassifier(', "literal"),
    "seed": (42, "RANDOM_STATE = 42", "constant"),
    # README: "cpu (n_jobs=-1)" - sklearn names no device, so there is no field.
    "components": {},
}

DEMO["char-rnn/train.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["language-model", "rnn-lstm"],),
    # Tiny Shakespeare: canonical "Shakespeare"; read from the --data default path.
    "dataset": ("Shakespeare", '"--data"', "argparse-default"),
    "batch_size": (64, '"--batch-size"', "argparse-default"),
    "learning_rate": (2e-3, '"--lr"', "argparse-default"),
    "optimizer": ("Adam", "opt = torch.optim.Adam(", "literal"),
    "scheduler": ("ExponentialLR", "sched = torch.optim.lr_scheduler.ExponentialLR(", "literal"),
    "epochs": (50, '"--epochs"', "argparse-default"),
    "loss": ("CrossEntropyLoss",),
    "device": (["cuda", "cpu"], 'device = "cuda"', "literal"),
    "components": {"CharLSTM": {"Embedding": 1, "LSTM": 1, "Linear": 1}},
}

DEMO["rl-dqn/dqn_cartpole.py"] = {
    "framework": (["pytorch"],),
    "arch_family": (["reinforcement-learning"],),
    "dataset": ("CartPole", 'ENV_ID = "CartPole-v1"', "constant"),
    "batch_size": (64, "BATCH_SIZE = 64", "constant"),
    "epochs": (500, "EPISODES = 500", "constant"),  # episodes count as epochs (LABELING.md)
    "learning_rate": (2.5e-4, "LR = 2.5e-4", "constant"),
    "optimizer": ("RMSprop", "optimizer = torch.optim.RMSprop(", "literal"),
    # Episode-based training: no epochs.
    "loss": ("smooth_l1",),
    "seed": (0, "SEED = 0", "constant"),
    "device": (["cpu"], 'device = torch.device("cpu")', "literal"),
    "components": {"QNet": {"Linear": 3, "ReLU": 2}},
}
