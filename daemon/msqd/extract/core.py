"""Putting the extractors together: source text -> ModelCard, file -> ModelCard.

Neither entry point raises for bad input (only KeyboardInterrupt/SystemExit pass
through); every problem becomes a card status and message.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable

from ..card import Component, Field, ModelCard
from . import components as comp_mod
from . import (
    conditional,
    data,
    device,
    diffusion,
    family,
    hydraconf,
    hyper,
    inherit,
    optimizer,
    params,
    role,
    siblings,
    training,
)
from .describe import describe
from .framework import framework_field
from .identifiers import identifiers
from .ids import created_time, model_id_for, project_for
from .index import Index, build
from .pretrained import pretrained_field
from .resolve import Resolver
from .source import Source, decode, notebook_source, parse, token_facts

DEFAULT_MAX_BYTES = 2_000_000


_NOT_IN_LIBRARIES = (
    "batch_size",
    "learning_rate",
    "optimizer",
    "epochs",
    "weight_decay",
    "momentum",
    "scheduler",
)


def _set(card: ModelCard, name: str, f: Field | None) -> None:
    if f is not None and f.value is not None and f.value != []:
        card.fields[name] = f


def _guard(card: ModelCard, what: str, fn: Callable[[], None]) -> None:
    """Run one extractor; a bug or pathological input costs that fact, not the card."""
    try:
        fn()
    except (RecursionError, MemoryError):
        card.status = "partial"
        card.message = _join(card.message, f"{what}: code too deeply nested")
    except Exception as exc:  # a broken extractor must never lose the whole card
        card.status = "partial"
        card.message = _join(card.message, f"{what}: {exc.__class__.__name__}: {exc}"[:200])


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _facts(
    card: ModelCard, ix: Index, r: Resolver, base_dir: str | None, project_dir: str | None
) -> None:
    comps: list[Component] = []
    evidence: list[family.Evidence] = []

    def framework() -> None:
        f = framework_field(ix.import_lines)
        if f is None:
            # A package __init__ or helper that imports only its siblings is written
            # for their framework.
            for path, _mod, _names in comp_mod.sibling_modules(ix, base_dir, project_dir):
                sib = siblings.sibling_index(path)
                f = framework_field(sib.import_lines) if sib is not None else None
                if f is not None:
                    f.file, f.detail = path, f"{f.detail} (imported module)"
                    break
        _set(card, "framework", f)

    def model() -> None:
        comps.extend(comp_mod.components(ix, r))
        comps.extend(comp_mod.sequential_components(ix))
        own = {c.name for c in comps}
        followed, ev = siblings.followed_models(ix, base_dir, project_dir, own)
        comps.extend(followed)
        evidence.extend(ev)
        # Classes from siblings count as "own" in the uses of this file's classes.
        local = comp_mod.components(ix, r, extra_names=own)
        by = {c.name: c for c in local}
        for c in comps:
            if c.file is None and c.name in by:
                c.uses = by[c.name].uses
        card.components = comps

    _guard(card, "framework", framework)
    _guard(card, "components", model)

    # The role before the family and dataset: a helper that defines no model has no
    # family, and only a file that trains says its dataset by its names.
    card.role = role.file_role(
        ix,
        comps,
        card.path,
        project_dir or base_dir,
        card.language,
        sibling_trains=siblings.sibling_trains(ix, base_dir, project_dir),
    )

    def arch() -> None:
        own = [c for c in comps if c.file is None]
        if card.role in ("util", "data", "config") and not own:
            # A helper with no model of its own is filed under a family only when
            # its code is that family's training process (a score-based SDE's
            # losses and samplers, an RL agent's update), never by names alone.
            process = [
                e for e in family.family_evidence(ix, []) if e.family in family.PROCESS_FAMILIES
            ]
            if card.role == "util" and process:
                _set(card, "arch_family", family.family_field(process, [], False))
            return
        evidence.extend(family.family_evidence(ix, own))
        evidence.extend(family.encoder_decoder_evidence(comps))
        evidence.extend(family.path_evidence(card.path, project_dir or base_dir))
        chosen = []
        for n in family.ARCH_OPTION_NAMES:
            v = hyper.named_value(ix, r, (n,))
            if v is not None:
                chosen.append((n, v.value, v.line))
        evidence.extend(family.option_evidence(chosen))
        has_model = bool(comps) or "framework" in card.fields
        _set(card, "arch_family", family.family_field(evidence, comps, has_model))
        fams = card.fields.get("arch_family")
        fam_list = [str(x) for x in fams.value] if fams and isinstance(fams.value, list) else []
        _set(card, "conditional", conditional.conditional_field(ix, fam_list))
        if {"diffusion", "latent-diffusion"} & set(fam_list):
            _set(card, "timesteps", diffusion.timesteps_field(ix, r))
            _set(card, "beta_schedule", diffusion.beta_schedule_field(ix, r))

    _guard(card, "architecture", arch)
    _guard(card, "pretrained", lambda: _set(card, "pretrained", pretrained_field(ix, r)))

    def opt() -> None:
        for k, f in optimizer.optimizer_fields(ix, r).items():
            _set(card, k, f)

    def dataset() -> Field | None:
        trains = card.role == "train"
        return data.dataset_field(ix, r, card.path, project_dir or base_dir, trains)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("dataset", lambda: _set(card, "dataset", dataset())),
        ("image_size", lambda: _set(card, "image_size", data.image_size_field(ix, r))),
        (
            "batch_size",
            # A framework's own methods' defaults are not what anyone's training runs.
            lambda: _set(card, "batch_size", hyper.batch_field(ix, r)),
        ),
        ("optimizer", opt),
        ("epochs", lambda: _set(card, "epochs", hyper.epochs_field(ix, r))),
        ("loss", lambda: _set(card, "loss", training.loss_field(ix, r))),
        ("seed", lambda: _set(card, "seed", training.seed_field(ix, r))),
        ("mixed_precision", lambda: _set(card, "mixed_precision", training.precision_field(ix, r))),
        ("device", lambda: _set(card, "device", device.device_field(ix, r))),
    ]

    def hydra_values() -> None:
        # A Hydra app's values live in the config its decorator composes: they fill
        # what the script itself does not say.
        entries, problems = hydraconf.hydra_entries(ix, base_dir)
        for k, f in hydraconf.hydra_fields(entries).items():
            if k not in card.fields:
                card.fields[k] = f
        for problem in problems:
            card.message = _join(card.message, problem)

    steps.append(("hydra config", hydra_values))
    for what, fn in steps:
        _guard(card, what, fn)
    if card.role == "library":
        # A framework's own source trains nothing anyone ran: its defaults and
        # demo values (PPO's n_epochs=10, a demo's SGD at 0.1) are not a training's.
        for k in _NOT_IN_LIBRARIES:
            card.fields.pop(k, None)
    if card.role == "train":
        _guard(
            card,
            "values from project modules",
            lambda: inherit.inherit_values(card, ix, base_dir, project_dir, siblings.sibling_index),
        )
    _guard(card, "parameters", lambda: params.attach(card, ix, r, siblings.sibling_index))


def _order(card: ModelCard) -> None:
    from ..card import FIELD_NAMES

    card.fields = {k: card.fields[k] for k in FIELD_NAMES if k in card.fields} | {
        k: v for k, v in card.fields.items() if k not in FIELD_NAMES
    }


def _map_cells(card: ModelCard, src: Source) -> None:
    if src.line_map is None:
        return

    def fix(f: Field) -> None:
        if f.file is None:
            f.cell, f.line = src.where(f.line)
        for a in f.alternatives:
            fix(a)

    for f in card.fields.values():
        fix(f)
    for c in card.components:
        if c.file is None:
            c.cell, c.line = src.where(c.line)


def extract_source(
    text: str,
    path: str = "<memory>",
    language: str = "py",
    *,
    base_dir: str | None = None,
    project_dir: str | None = None,
) -> ModelCard:
    """Extract a card from source text (no filesystem metadata). Never raises.

    ``base_dir`` is the folder sibling modules and config files are looked up in;
    None disables following other files.
    """
    mid = "" if path == "<memory>" else model_id_for(path, None)
    card = ModelCard(model_id=mid, path=path, language=language, project=mid.split("/")[0])
    try:
        _extract_into(card, text, language, base_dir, project_dir)
    except (RecursionError, MemoryError):
        card.status = "partial"
        card.message = _join(card.message, "code too deeply nested to analyse")
    except Exception as exc:  # last line of defence: a card, never an exception
        card.status = "error"
        card.message = _join(card.message, f"internal error: {exc.__class__.__name__}: {exc}"[:200])
    return card


def _extract_into(
    card: ModelCard, text: str, language: str, base_dir: str | None, project_dir: str | None
) -> None:
    comp_mod.new_round()
    src = notebook_source(text) if language == "ipynb" else Source(text)
    if src.status != "ok":
        card.status = "partial" if src.status == "partial" else "error"
        card.message = "; ".join(src.messages)
        if card.status == "error":
            return
    if not src.text.strip():
        card.role = "util"
        card.message = card.message or "empty file"
        card.description = describe(card)
        return
    tree, problems = parse(src.text)
    if problems:
        card.status = "partial"
        card.message = _join(card.message, problems[0])
    if tree is None:
        _token_fallback(card, src.text)
        card.description = describe(card)
        return
    ix = build(tree)
    r = Resolver(ix, base_dir)
    _facts(card, ix, r, base_dir, project_dir)
    _guard(card, "identifiers", lambda: setattr(card, "identifiers", identifiers(ix)))
    _order(card)
    _map_cells(card, src)
    card.description = describe(card, ix.docstring)


def _token_fallback(card: ModelCard, text: str) -> None:
    imports, strings, _consts = token_facts(text)
    _set(card, "framework", framework_field(imports))
    for s, line in strings:
        hit = data._from_string(s) if s.startswith(("http", ".", "/")) or len(s) < 40 else None
        if hit:
            card.fields["dataset"] = Field(hit, line, "literal", "string literal")
            break


def extract_file(
    path: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    first_seen: float | None = None,
) -> ModelCard:
    """Extract the card of one script or notebook. Never raises for bad input."""
    p = os.path.abspath(os.fspath(path))
    card = ModelCard(
        model_id=model_id_for(p, root),
        path=p,
        language="ipynb" if p.endswith(".ipynb") else "py",
        project=project_for(p, root),
    )
    try:
        _read_into(card, p, root, max_bytes, first_seen)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        card.status = "error"
        card.message = f"internal error: {exc.__class__.__name__}: {exc}"[:200]
    return card


def _fail(card: ModelCard, status: str, message: str) -> None:
    card.status = status  # type: ignore[assignment]
    card.message = message
    card.description = ""


def _read_into(
    card: ModelCard,
    p: str,
    root: str | os.PathLike[str] | None,
    max_bytes: int,
    first_seen: float | None,
) -> None:
    try:
        st = os.stat(p)
    except FileNotFoundError:
        exists = os.path.lexists(p)
        return _fail(card, "error", "file vanished while reading" if exists else "file not found")
    except PermissionError:
        return _fail(card, "error", "permission denied")
    except OSError as exc:
        return _fail(card, "error", f"cannot stat file: {exc.strerror or exc}")
    card.size, card.modified = st.st_size, st.st_mtime
    if stat.S_ISDIR(st.st_mode):
        return _fail(card, "skipped", "is a directory")
    if not stat.S_ISREG(st.st_mode):
        return _fail(card, "skipped", "not a regular file")
    card.created, card.created_source = created_time(p, st, first_seen)
    if st.st_size > max_bytes:
        return _fail(card, "skipped", f"file too large ({st.st_size} bytes > {max_bytes})")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after stat, open must not block.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return _fail(card, "error", "file vanished while reading")
    except PermissionError:
        return _fail(card, "error", "permission denied")
    except OSError as exc:
        return _fail(card, "error", f"cannot open file: {exc.strerror or exc}")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return _fail(card, "skipped", "not a regular file")
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        return _fail(card, "error", f"read failed: {exc.strerror or exc}")
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > max_bytes:
        return _fail(card, "skipped", f"file too large (> {max_bytes} bytes)")
    card.size = len(raw)
    card.sha256 = hashlib.sha256(raw).hexdigest()
    if b"\x00" in raw:
        return _fail(card, "skipped", "binary file")
    if card.language == "ipynb":
        text, problems = raw.decode("utf-8", errors="replace"), []
    else:
        text, problems = decode(raw)
    base_dir = os.path.dirname(p)
    project_dir = None
    if root is not None:
        r = os.path.abspath(os.fspath(root))
        cand = os.path.join(r, card.project)
        project_dir = cand if p.startswith(cand + os.sep) else r
    inner = extract_source(text, p, card.language, base_dir=base_dir, project_dir=project_dir)
    card.status, card.message, card.role = inner.status, inner.message, inner.role
    card.fields, card.components, card.description = (
        inner.fields,
        inner.components,
        inner.description,
    )
    card.param_estimate = inner.param_estimate
    card.identifiers = inner.identifiers
    if problems:
        card.status = "partial" if card.status == "ok" else card.status
        card.message = _join("; ".join(problems), card.message)
