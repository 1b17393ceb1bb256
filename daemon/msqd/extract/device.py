"""Hardware the code selects: an ordered fallback chain plus "multi-gpu".

Order is the order of preference in the code (``"cuda" if ... else "cpu"`` gives
["cuda", "cpu"]). Code that never names a device (typical Keras/JAX) gets no field.
"""

from __future__ import annotations

import ast
import re

from ..card import Field
from .common import kwarg, resolve_at
from .index import Index
from .resolve import Resolver

_MULTI = {
    "DataParallel",
    "DistributedDataParallel",
    "init_process_group",
    "MirroredStrategy",
    "MultiWorkerMirroredStrategy",
    "pmap",
    "DistributedSampler",
}


def _norm(s: str) -> str | None:
    w = s.strip().lower().lstrip("/")
    if w.startswith(("cuda", "gpu", "device:gpu")):
        return "cuda"
    if w.startswith("mps"):
        return "mps"
    if w.startswith(("cpu", "device:cpu")):
        return "cpu"
    if w.startswith("tpu"):
        return "tpu"
    return None


def _checks_availability(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "is_available" for n in ast.walk(node))


def _strings(node: ast.AST) -> list[tuple[int, int, str]]:
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.append((n.lineno, n.col_offset, n.value))
    out.sort()
    return out


def _returned(ix: Index, value: ast.expr) -> ast.expr:
    """For ``device = pick_device()`` (a function of this file), the function's return
    values in order, as one tuple; otherwise ``value`` itself."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return value
    defs = ix.functions.get(value.func.id)
    if not defs or len(defs) != 1:
        return value
    rets = [n.value for n in ast.walk(defs[0][0]) if isinstance(n, ast.Return) and n.value]
    out = ast.Tuple(elts=rets, ctx=ast.Load())
    # Returns that name no device (``return torch.device(name)``): keep the call, whose
    # arguments (get_device("cuda")) may name it.
    return out if rets and _strings(out) else value


_THEANO_DEVICE = re.compile(r"(?:^|,)\s*device\s*=\s*(cuda\d*|gpu\d*|cpu)\b")
_MODELISH = re.compile(r"model|net|module|encoder|decoder|generator|discriminator|policy", re.I)


def _theano(ix: Index) -> bool:
    """Theano runs the model: imported (itself or Lasagne), or chosen as Keras' backend;
    its flags mean nothing when ``KERAS_BACKEND`` is "tensorflow"."""
    if any(m.split(".")[0] in ("theano", "lasagne") for m, _ in ix.import_lines):
        return True
    for stmt in ix.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant):
            for t in stmt.targets:
                key = t.slice if isinstance(t, ast.Subscript) else None
                if isinstance(key, ast.Constant) and key.value == "KERAS_BACKEND":
                    return stmt.value.value == "theano"
    return False


_FLAG = re.compile(r"^(use_?)?(cuda|gpu)$", re.I)


def _cuda_flag(ix: Index) -> bool | None:
    """The value of a ``USE_CUDA = True`` / ``use_gpu = False`` switch, if the file has one."""
    for key, binds in ix.bindings.items():
        if _FLAG.match(key.rsplit(".", 1)[-1]):
            for b in binds:
                if isinstance(b.value, ast.Constant) and isinstance(b.value.value, bool):
                    return b.value.value
    return None


def _model_like(func: ast.expr) -> bool:
    """``model.to(...)``, ``self.net.to(...)``: a model moved, not a result."""
    owner = func.value if isinstance(func, ast.Attribute) else None
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return bool(_MODELISH.search(name or ""))


def device_field(ix: Index, r: Resolver) -> Field | None:
    chain: list[str] = []
    line: int | None = None
    how, detail, file = "literal", "", None

    def add(word: str | None, at: int) -> None:
        nonlocal line
        if word and word not in chain:
            chain.append(word)
            if line is None:
                line = at

    keys = [
        k
        for k in ix.bindings
        if k.rsplit(".", 1)[-1].lower() in ("device", "dev", "_device", "torch_device")
    ]
    if not keys:
        # Whatever the variable is called (appareil, dev, ...): a value chosen by an
        # availability check is a device choice.
        keys = [
            k
            for k, bs in ix.bindings.items()
            if any(
                isinstance(b.value, ast.IfExp) and _checks_availability(b.value.test) for b in bs
            )
        ]
    binds = sorted(
        (b for k in keys for b in ix.bindings[k] if b.value is not None), key=lambda b: b.line
    )
    for b in binds:
        value = b.value
        assert value is not None
        value = _returned(ix, value)
        if (
            isinstance(value, ast.Call)
            and value.args
            and (isinstance(value.func, ast.Attribute) and value.func.attr == "device")
        ):
            value = value.args[0]
        if isinstance(value, ast.IfExp):
            # args.device if torch.cuda.is_available() else "cpu": both branches, in order
            # (the strings alone would give only "cpu").
            for branch in (value.body, value.orelse):
                if isinstance(branch, (ast.Name, ast.Attribute, ast.Subscript)):
                    v = r.resolve(branch, b.scope)
                    if v is not None and isinstance(v.value, str) and _norm(v.value):
                        if not chain:
                            how, detail, file = v.how, v.detail, v.file
                        add(_norm(v.value), v.line or b.line)
                else:
                    for ln, _, s in _strings(branch):
                        add(_norm(s), ln)
            detail = detail or b.key
            continue
        consts = _strings(value)
        if consts:
            for ln, _, s in consts:
                add(_norm(s), ln)
            if not detail:
                detail = b.key
        elif isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
            v = r.resolve(value, b.scope)
            if v is not None and isinstance(v.value, str) and _norm(v.value):
                if not chain:
                    how, detail, file = v.how, v.detail, v.file
                add(_norm(v.value), v.line or b.line)
    if not chain and "device" in r.args:
        arg = r.args["device"]
        if arg.default is not None and not isinstance(arg.default, ast.Constant):
            # default="cuda" if torch.cuda.is_available() else "cpu": the whole chain.
            for _, _, s in _strings(arg.default):
                add(_norm(s), arg.line)
            if chain:
                how, detail = "argparse-default", "args.device"
        if not chain:
            v = r._arg_val("device", "args.device", (None, None), 0)
            if v is not None and isinstance(v.value, str):
                how, detail = v.how, v.detail
                add(_norm(v.value), v.line or 0)
    if not chain:
        # JAX: jax.config.update("jax_platform_name", "cpu") pins the platform.
        for cs in ix.calls_named("update"):
            a = cs.node.args
            if (
                cs.name.startswith(("jax.", "config."))
                and len(a) == 2
                and isinstance(a[0], ast.Constant)
                and a[0].value in ("jax_platform_name", "jax_platforms")
            ):
                for ln, _, s in _strings(a[1]):
                    add(_norm(s), ln)
                detail = detail or f"{cs.raw}({a[0].value})"
    if not chain and _theano(ix):
        # Theano (Keras 1, Lasagne): os.environ["THEANO_FLAGS"] = "floatX=float32,device=cuda".
        for text, ln in ix.strings:
            m = _THEANO_DEVICE.search(text)
            if m and _norm(m.group(1)):
                add(_norm(m.group(1)), ln)
                detail = detail or "THEANO_FLAGS device"
                break
    if not chain:
        for cs in ix.calls:
            v = resolve_at(r, cs, kwarg(cs.node, "device"))
            if v is not None and isinstance(v.value, str) and _norm(v.value):
                add(_norm(v.value), v.line or cs.node.lineno)
                how, detail = v.how, v.detail or f"{cs.raw}(device)"
                break
    multi_line: int | None = None
    for cs in ix.calls:
        if cs.last in ("to", "cuda") and not chain:
            if cs.last == "cuda" and not cs.node.args and isinstance(cs.node.func, ast.Attribute):
                flag = _cuda_flag(ix)
                if flag is False:
                    add("cpu", cs.node.lineno)
                add("cuda", cs.node.lineno)
                detail = detail or ".cuda()"
                if "is_available" in ix.by_last or flag is not None:
                    # .cuda() guarded by an availability check or a USE_CUDA switch:
                    # the code also runs on CPU.
                    add("cpu", cs.node.lineno)
            for ln, _, s in _strings(cs.node) if cs.last == "to" else ():
                word = _norm(s)
                if word == "cpu" and not _model_like(cs.node.func):
                    continue  # x.to("cpu").numpy(): results brought back, not a device
                add(word, ln)
        elif cs.last == "device" and cs.name.startswith(("tf.", "tensorflow")) and cs.node.args:
            for ln, _, s in _strings(cs.node.args[0]):
                add(_norm(s), ln)
                detail = detail or cs.raw
        elif cs.last == "Accelerator" and cs.name.startswith("accelerate") and not chain:
            # HF accelerate takes the GPU when there is one and the CPU otherwise;
            # cpu=True (an option left False by default) forces the CPU.
            forced = resolve_at(r, cs, kwarg(cs.node, "cpu"))
            if forced is not None and forced.value is True:
                add("cpu", cs.node.lineno)
            else:
                add("cuda", cs.node.lineno)
                add("cpu", cs.node.lineno)
            detail = detail or f"{cs.raw}()"
        elif cs.last == "Trainer":
            acc = resolve_at(r, cs, kwarg(cs.node, "accelerator"))
            if acc is not None and isinstance(acc.value, str) and _norm(acc.value):
                add(_norm(acc.value), cs.node.lineno)
                detail = detail or "Trainer(accelerator)"
            gpus = resolve_at(r, cs, kwarg(cs.node, "gpus"))
            devs = resolve_at(r, cs, kwarg(cs.node, "devices"))
            asked = kwarg(cs.node, "gpus") or kwarg(cs.node, "devices")
            if (gpus or devs) is None and asked and "device_count" in ix.by_last and not chain:
                # gpus=args.gpus with args.gpus = torch.cuda.device_count(): every GPU
                # there is, or the CPU when there is none.
                add("cuda", cs.node.lineno)
                add("cpu", cs.node.lineno)
                detail = detail or "Trainer(gpus=device_count())"
            n = gpus.value if gpus is not None else devs.value if devs is not None else None
            if gpus is not None and isinstance(n, int) and n > 0:
                add("cuda", cs.node.lineno)
            if (
                (isinstance(n, int) and not isinstance(n, bool) and n > 1)
                or (isinstance(n, list) and len(n) > 1)
                or n == -1
            ):
                multi_line = multi_line or cs.node.lineno
            strat = resolve_at(r, cs, kwarg(cs.node, "strategy"))
            if strat is not None and isinstance(strat.value, str) and "dp" in strat.value:
                multi_line = multi_line or cs.node.lineno
        if cs.last in _MULTI:
            multi_line = multi_line or cs.node.lineno
    if multi_line is not None:
        if not chain:
            add("cuda", multi_line)
        chain.append("multi-gpu")
    if not chain:
        return None
    return Field(chain, line, how, detail or "device", file=file)
