"""The variable and key names the fact finders look values up by.

One list per fact, used both by the finders and by the index (which records
reads of exactly these keys, ``x.key`` and ``x["key"]``: indexing every
attribute read would cost more than the whole lookup).
"""

from __future__ import annotations

# transformers' TrainingArguments and TRL's configs, which extend it (same keywords).
HF_ARGS = (
    "TrainingArguments", "Seq2SeqTrainingArguments", "SFTConfig", "DPOConfig", "GRPOConfig",
    "KTOConfig", "ORPOConfig", "CPOConfig", "RewardConfig",
)  # fmt: skip
LR_NAMES = ("learning_rate", "lr", "LR", "LEARNING_RATE", "base_lr", "BASE_LR", "init_lr")
BATCH_NAMES = (
    "minibatch_size", "batch_size", "BATCH_SIZE", "batchSize", "batchsize", "BATCHSIZE",
    "bs", "BS", "train_batch_size", "mb_size",
)  # fmt: skip
EPOCH_NAMES = (
    "epochs", "EPOCHS", "num_epochs", "NUM_EPOCHS", "n_epochs", "N_EPOCHS",
    "max_epochs", "MAX_EPOCHS", "nb_epochs", "num_episodes", "n_episodes", "max_episodes",
    "NUM_EPISODES", "N_EPISODES", "MAX_EPISODES", "EPISODES", "episodes", "niter",
)  # fmt: skip
SEED_NAMES = ("SEED", "seed", "RANDOM_SEED", "random_seed")
IMAGE_SIZE_NAMES = (
    "IMG_SIZE", "IMAGE_SIZE", "img_size", "image_size", "resolution", "RESOLUTION",
    "im_size", "IMG_RES",
)  # fmt: skip
DATASET_NAMES = ("dataset", "DATASET", "dataset_name", "DATASET_NAME", "data")
TIMESTEP_NAMES = (
    "T", "TIMESTEPS", "timesteps", "num_timesteps", "NUM_TIMESTEPS", "noise_steps",
    "NOISE_STEPS", "n_steps", "N_STEPS", "diffusion_steps", "DIFFUSION_STEPS",
    "num_train_timesteps", "n_timesteps", "N_TIMESTEPS", "num_diffusion_steps",
)  # fmt: skip
SCHEDULE_NAMES = (
    "beta_schedule", "BETA_SCHEDULE", "schedule", "noise_schedule", "SCHEDULE",
    "NOISE_SCHEDULE", "schedule_name",
)  # fmt: skip

ACCESS_KEYS = frozenset(
    LR_NAMES
    + BATCH_NAMES
    + EPOCH_NAMES
    + SEED_NAMES
    + IMAGE_SIZE_NAMES
    + DATASET_NAMES
    + TIMESTEP_NAMES
    + SCHEDULE_NAMES
)
