"""The names a file's code defines and leans on, for search.

``compute_gradient_penalty``, ``lambda_gp``, ``replay_buffer``, ``noise_scheduler``:
a person remembers a script by such names as often as by its model. Only names of
two or more words (snake_case or camelCase) are kept: ``x``, ``loss`` or ``model``
say nothing about one file. The function and class definitions first, then assigned names and
options, each once, in the order the code introduces them.
"""

from __future__ import annotations

import re

from .index import Index

MAX_IDENTIFIERS = 64
_MULTI = re.compile(
    r"^_*[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)+_*$"  # snake_case
    r"|^[a-z]+[A-Z][A-Za-z0-9]*$"  # camelCase
    r"|^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)+$"  # CamelCase classes: ReplayBuffer
)
_DUNDER = re.compile(r"^__\w+__$")
# Names every training script has: not evidence of what one file is.
_COMMON = frozenset(
    {
        "train_loader", "test_loader", "val_loader", "train_dataset", "test_dataset",
        "val_dataset", "data_loader", "batch_size", "num_epochs", "learning_rate",
        "train_data", "test_data", "running_loss", "total_loss", "model_path", "save_path",
        "data_dir", "output_dir", "log_interval", "num_workers", "parse_args", "set_seed",
        "train_step", "train_epoch", "test_step", "validation_step", "training_step",
        "configure_optimizers", "test_epoch_end", "validation_epoch_end", "lr_scheduler",
        "zero_grad", "state_dict", "load_state_dict", "is_available",
    }
)  # fmt: skip


def identifiers(ix: Index) -> list[str]:
    """Up to :data:`MAX_IDENTIFIERS` multi-word names of functions, variables and options."""
    found: dict[str, int] = {}

    def add(name: str, line: int) -> None:
        key = name.split(".")[-1]
        if (
            _MULTI.match(key)
            and not _DUNDER.match(key)
            and key.lower() not in _COMMON
            and len(key) <= 48
            and key not in found
        ):
            found[key] = line

    for name, defs in ix.functions.items():
        add(name, defs[0][0].lineno)
    for name, cls in ix.classes.items():
        add(name, cls.lineno)
    funcs = dict(found)
    for key, binds in ix.bindings.items():
        if binds and "[" not in key:
            add(key, binds[0].line)
    ordered = sorted(funcs, key=funcs.__getitem__) + sorted(
        (k for k in found if k not in funcs), key=found.__getitem__
    )
    return ordered[:MAX_IDENTIFIERS]
