"""The ModelCard: what one indexed file yields.

A card is plain data. Every extracted fact is a :class:`Field` that carries its
provenance (line, notebook cell, how it was resolved), so a client can explain a
value and a wrong value can be traced back to the code it came from.

The JSON shape produced by :meth:`ModelCard.to_json` is documented in
``docs/modelcard.md``; other tools rely on it, so it only grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# How a value was resolved. Kept as a closed list so clients can render it.
HOW_VALUES = (
    "literal",
    "constant",
    "argparse-default",
    "config-dict",
    "class-attribute",
    "function-default",
    "call-site",
    "config-file",
    "inferred",
    # The framework's own default, not written in the code: torch.optim.Adam(params)
    # trains at 0.001, compile(optimizer="adam") likewise.
    "framework-default",
)

STATUS_VALUES = ("ok", "partial", "error", "skipped")

Status = Literal["ok", "partial", "error", "skipped"]

# Field names documented in docs/modelcard.md, in display order.
FIELD_NAMES = (
    "framework",
    "arch_family",
    "conditional",
    "pretrained",
    "dataset",
    "image_size",
    "batch_size",
    "learning_rate",
    "optimizer",
    "weight_decay",
    "scheduler",
    "epochs",
    "loss",
    "seed",
    "mixed_precision",
    "timesteps",
    "beta_schedule",
    "device",
)

FieldScalar = str | int | float | bool
FieldValue = FieldScalar | list[FieldScalar]


@dataclass
class Field:
    """One extracted fact and where it came from."""

    value: FieldValue
    line: int | None = None
    how: str = "literal"
    # What the value was read through, e.g. "LEARNING_RATE" or "args.lr".
    detail: str = ""
    # Notebook cell number (1-based) when the source is a notebook.
    cell: int | None = None
    # Set when the value came from another file (sibling module, YAML/JSON config).
    file: str | None = None
    # Competing values (a GAN's second optimizer, a fine-tune stage ...).
    alternatives: list[Field] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "line": self.line, "how": self.how}
        if self.detail:
            out["detail"] = self.detail
        if self.cell is not None:
            out["cell"] = self.cell
        if self.file:
            out["file"] = self.file
        if self.alternatives:
            out["alternatives"] = [a.to_json() for a in self.alternatives]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Field:
        return cls(
            value=data["value"],
            line=data.get("line"),
            how=data.get("how", "literal"),
            detail=data.get("detail", ""),
            cell=data.get("cell"),
            file=data.get("file"),
            alternatives=[cls.from_json(a) for a in data.get("alternatives", [])],
        )


@dataclass
class Component:
    """A model class defined in (or followed from) the file."""

    name: str
    base: str
    line: int | None = None
    # Layer type -> how many times the class builds it, e.g. {"Conv2d": 4}.
    layers: dict[str, int] = field(default_factory=dict)
    # Names of the project's own classes this one instantiates.
    uses: list[str] = field(default_factory=list)
    # Set when the class lives in a sibling file of the same project.
    file: str | None = None
    cell: int | None = None
    # "class" (a subclass of a model base), "sequential" (``m = keras.Sequential([...])``)
    # or "functional" (a function that returns ``keras.Model(inputs, outputs)``).
    kind: str = "class"
    # Used classes built more than once, by the loop that repeats them:
    # ``ModuleList([Block(cfg) for _ in range(cfg.n_layer)])`` gives
    # repeats {"Block": 12} (when the count resolves) and repeat_exprs
    # {"Block": "cfg.n_layer"}.
    repeats: dict[str, int] = field(default_factory=dict)
    repeat_exprs: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "base": self.base,
            "line": self.line,
            "layers": dict(self.layers),
            "uses": list(self.uses),
        }
        if self.file:
            out["file"] = self.file
        if self.cell is not None:
            out["cell"] = self.cell
        if self.kind != "class":
            out["kind"] = self.kind
        if self.repeats:
            out["repeats"] = dict(self.repeats)
        if self.repeat_exprs:
            out["repeat_exprs"] = dict(self.repeat_exprs)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Component:
        return cls(
            name=data["name"],
            base=data.get("base", ""),
            line=data.get("line"),
            layers=dict(data.get("layers", {})),
            uses=list(data.get("uses", [])),
            file=data.get("file"),
            cell=data.get("cell"),
            kind=data.get("kind", "class"),
            repeats=dict(data.get("repeats", {})),
            repeat_exprs=dict(data.get("repeat_exprs", {})),
        )


@dataclass
class ParamEstimate:
    """A parameter count summed from the layers whose sizes resolve statically.

    An estimate: layers whose arguments do not resolve (sizes passed in from a
    caller, keras layers that infer their input) are listed in ``unsized`` and not
    counted.
    """

    total: int
    sized: int = 0  # layer instances counted
    unsized: list[str] = field(default_factory=list)  # layer types that could not be sized
    channels: list[int] = field(default_factory=list)  # output widths that resolved
    unsized_layers: int = 0  # layer instances not sized (the counts in ``unsized``)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "sized": self.sized,
            "unsized": list(self.unsized),
            "channels": list(self.channels),
            "unsized_layers": self.unsized_layers,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParamEstimate:
        return cls(
            total=int(data.get("total", 0)),
            sized=int(data.get("sized", 0)),
            unsized=list(data.get("unsized", [])),
            channels=[int(x) for x in data.get("channels", [])],
            unsized_layers=int(data.get("unsized_layers", 0)),
        )


# What a file is (docs/modelcard.md): an entry point that trains, a module of model
# definitions, configuration, data loading, a helper, or a framework's own source.
ROLE_VALUES = ("train", "model", "config", "data", "util", "library")


@dataclass
class ModelCard:
    """Everything msq knows about one script or notebook."""

    model_id: str
    path: str
    size: int = 0
    # Seconds since the epoch. ``created_source`` says where ``created`` came
    # from: "birthtime", "git", or "first-seen" (never the inode change time).
    created: float | None = None
    created_source: str = ""
    modified: float = 0.0
    sha256: str = ""
    language: str = "py"  # "py" or "ipynb"
    status: Status = "ok"
    message: str = ""
    description: str = ""
    fields: dict[str, Field] = field(default_factory=dict)
    components: list[Component] = field(default_factory=list)
    # The top-level project folder the file belongs to (used in ids and text).
    project: str = ""
    # Optional longer description written by the local LLM in the background.
    llm_description: str = ""
    # One of ROLE_VALUES; "" for cards written before roles existed.
    role: str = ""
    # Parameter-count estimate from statically sized layers; None when none resolve.
    param_estimate: ParamEstimate | None = None
    # Multi-word names the code defines and leans on (compute_gradient_penalty,
    # lambda_gp, replay_buffer): searchable as names, never shown as facts.
    identifiers: list[str] = field(default_factory=list)

    def value(self, name: str) -> FieldValue | None:
        """The value of field ``name``, or None when it was not found."""
        f = self.fields.get(name)
        return None if f is None else f.value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model_id": self.model_id,
            "path": self.path,
            "project": self.project,
            "size": self.size,
            "created": self.created,
            "created_source": self.created_source,
            "modified": self.modified,
            "sha256": self.sha256,
            "language": self.language,
            "status": self.status,
            "message": self.message,
            "description": self.description,
            "llm_description": self.llm_description,
            "role": self.role,
            "fields": {k: v.to_json() for k, v in self.fields.items()},
            "components": [c.to_json() for c in self.components],
        }
        if self.param_estimate is not None:
            out["param_estimate"] = self.param_estimate.to_json()
        if self.identifiers:
            out["identifiers"] = list(self.identifiers)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelCard:
        return cls(
            model_id=data["model_id"],
            path=data["path"],
            project=data.get("project", ""),
            size=data.get("size", 0),
            created=data.get("created"),
            created_source=data.get("created_source", ""),
            modified=data.get("modified", 0.0),
            sha256=data.get("sha256", ""),
            language=data.get("language", "py"),
            status=data.get("status", "ok"),
            message=data.get("message", ""),
            description=data.get("description", ""),
            llm_description=data.get("llm_description", ""),
            role=data.get("role", ""),
            fields={k: Field.from_json(v) for k, v in data.get("fields", {}).items()},
            components=[Component.from_json(c) for c in data.get("components", [])],
            param_estimate=(
                ParamEstimate.from_json(data["param_estimate"])
                if data.get("param_estimate")
                else None
            ),
            identifiers=list(data.get("identifiers", [])),
        )
