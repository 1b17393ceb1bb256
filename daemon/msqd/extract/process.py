"""Architecture evidence read from what the code computes, not from what it is called.

Name-based evidence (``alpha_bar``, ``q_sample``, a class called ``UNet``) misses code
that uses its own names (``abar``, ``Denoiser``). These checks look at the data flow
instead, and only at a few indexed call sites, so they cost little:

* the noise schedule: ``cumprod(1 - betas)`` (or of ``alphas = 1 - betas``);
* the forward process: a model input built as ``sqrt(a) * x + sqrt(1 - a) * noise``;
* noise prediction: a regression loss between a model output and Gaussian noise
  drawn with ``randn_like``/``randn``;
* a U-Net skip connection: the concatenation of an upsampled tensor with an earlier
  feature map, in a model that also downsamples;
* a VAE: the reparameterization ``mu + exp(0.5 * logvar) * eps`` with Gaussian ``eps``,
  or the Gaussian KL term ``1 + logvar - mu**2 - exp(logvar)``, whatever they are called.

Each finding is ``(family, weight, line, detail)``; the detail starts with the kind of
evidence (the text before `` (``), which :mod:`.family` counts once per family.
"""

from __future__ import annotations

import ast
import re

from .index import Binding, Index, Scope

Finding = tuple[str, int, int, str]

_REGRESSION_FNS = {"mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"}
_NOISE_FNS = {"randn_like", "randn", "normal", "standard_normal", "normal_like", "random_normal"}
_EXP_FNS = ("exp", "exp_")
_MOVES = frozenset({"to", "cuda", "type_as", "float", "detach"})
_SCHEDULE_NAMES = frozenset(
    {"beta", "betas", "alphas", "alphas_cumprod", "alpha_bar", "alphas_bar", "sigmas"}
    | {"timesteps", "num_timesteps", "noise_scheduler"}
)
_UPSAMPLE_FNS = {"interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "resize"}
_UPSAMPLE_LAYERS = re.compile(r"^(ConvTranspose\dd|Conv\dDTranspose|Upsample|UpSampling\dD)$")
_UPSAMPLE_LAYER_NAMES = (
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "Upsample",
    "UpSampling2D",
)
_POOL_FNS = re.compile(r"(max|avg)_pool\dd|(Max|Avg)Pool(ing)?\d[dD]|^pool$")
_SCHEDULE_WORDS = re.compile(r"beta|alpha", re.I)


def _last(node: ast.expr) -> str:
    f = node.func if isinstance(node, ast.Call) else node
    if isinstance(f, ast.Attribute):
        return f.attr
    return f.id if isinstance(f, ast.Name) else ""


def _bound(ix: Index, name: str, scope: Scope) -> ast.expr | None:
    """The value last bound to ``name`` in ``scope`` (else at module level)."""
    binds: list[Binding] = ix.bindings.get(name, [])
    same = [b for b in binds if b.scope == scope and b.value is not None]
    same = same or [b for b in binds if b.scope[0] is None and b.value is not None]
    return same[-1].value if same else None


def _deref(ix: Index, node: ast.expr, scope: Scope) -> ast.expr:
    if isinstance(node, ast.Name):
        v = _bound(ix, node.id, scope)
        if v is not None:
            return v
    return node


def _is_one(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (1, 1.0) and node.value is not True


def _one_minus(node: ast.expr) -> ast.expr | None:
    """X for ``1 - X``, else None."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and _is_one(node.left):
        return node.right
    return None


def _schedule_from_cumprod(ix: Index) -> list[Finding]:
    for cs in ix.calls_named("cumprod"):
        if not cs.node.args:
            continue
        arg = cs.node.args[0]
        inner = _one_minus(arg)
        if inner is None:
            # cumprod(alphas) with alphas = 1 - betas
            bound = _deref(ix, arg, cs.scope)
            inner = _one_minus(bound) if bound is not arg else None
            if inner is None:
                continue
        if _SCHEDULE_WORDS.search(ast.unparse(inner)) or _SCHEDULE_WORDS.search(
            ast.unparse(_deref(ix, inner, cs.scope))
        ):
            return [("diffusion", 4, cs.node.lineno, "noise schedule (cumprod of 1 - beta)")]
    return []


def _is_noise(ix: Index, node: ast.expr, scope: Scope) -> bool:
    node = _deref(ix, node, scope)
    # randn(...).to(device), randn_like(x).cuda(): still the noise
    while (
        isinstance(node, ast.Call)
        and _last(node) in _MOVES
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
    ):
        node = node.func.value
    return isinstance(node, ast.Call) and _last(node) in _NOISE_FNS


def _has_sqrt_of_one_minus(node: ast.expr) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and _last(n) in ("sqrt", "rsqrt"):
            target = (
                n.args[0] if n.args else n.func.value if isinstance(n.func, ast.Attribute) else None
            )
            if target is not None and _one_minus(target) is not None:
                return True
    return False


def _noised_input(ix: Index, model_call: ast.Call, scope: Scope) -> bool:
    """The model's first input is ``sqrt(a) * x + sqrt(1 - a) * noise``."""
    if not model_call.args:
        return False
    x = _deref(ix, model_call.args[0], scope)
    return (
        isinstance(x, ast.BinOp)
        and isinstance(x.op, ast.Add)
        and isinstance(x.left, ast.BinOp)
        and isinstance(x.right, ast.BinOp)
        and _has_sqrt_of_one_minus(x)
    )


def _loss_sites(ix: Index) -> list[tuple[ast.Call, Scope]]:
    sites = [(cs.node, cs.scope) for cs in ix.calls_named(*_REGRESSION_FNS)]
    # criterion = nn.MSELoss(); criterion(pred, noise)
    for cs in ix.calls:
        if cs.target and cs.last in ("MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"):
            short = cs.target.rsplit(".", 1)[-1]
            sites.extend((c.node, c.scope) for c in ix.calls_named(short) if c.raw == cs.target)
    return sites


def _noise_prediction(ix: Index) -> list[Finding]:
    out: list[Finding] = []
    for node, scope in _loss_sites(ix):
        if len(node.args) < 2:
            continue
        a, b = node.args[0], node.args[1]
        for pred, target in ((a, b), (b, a)):
            model = _deref(ix, pred, scope)
            if not (isinstance(model, ast.Call) and len(model.args) >= 2):
                continue
            if not _is_noise(ix, target, scope):
                continue
            out.append(
                ("diffusion", 3, node.lineno, "noise-prediction loss (model output vs. noise)")
            )
            if _noised_input(ix, model, scope):
                out.append(
                    (
                        "diffusion",
                        3,
                        node.lineno,
                        "forward/reverse process (sqrt(a)*x + sqrt(1 - a)*noise)",
                    )
                )
            return out
    return out


def diffusion_findings(ix: Index) -> list[Finding]:
    """Noise schedule, forward process and noise-prediction loss found in the data flow."""
    return _schedule_from_cumprod(ix) + _noise_prediction(ix)


def _upsampled(ix: Index, node: ast.expr, scope: Scope, up_attrs: set[str]) -> bool:
    node = _deref(ix, node, scope)
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            if _last(n) in _UPSAMPLE_FNS or _UPSAMPLE_LAYERS.match(_last(n)):
                return True
            f = n.func
            if (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and (f"{f.value.id}.{f.attr}" in up_attrs)
            ):
                return True
            # Keras functional style: Conv2DTranspose(...)(x)
            if isinstance(f, ast.Call) and _UPSAMPLE_LAYERS.match(_last(f)):
                return True
    return False


def _downsamples(ix: Index, owner: str | None, scope: Scope) -> bool:
    for cs in ix.calls:
        if (cs.scope[0] != owner if owner else cs.scope != scope) or not cs.last:
            continue
        if _POOL_FNS.search(cs.last):
            return True
        if cs.last.startswith("Conv") and "Transpose" not in cs.last:
            stride = next(
                (k.value for k in cs.node.keywords if k.arg in ("stride", "strides")), None
            )
            if stride is None and len(cs.node.args) >= 4:
                stride = cs.node.args[3]
            if isinstance(stride, ast.Constant) and stride.value in (2, (2, 2)):
                return True
    return False


def unet_findings(ix: Index) -> list[Finding]:
    """A skip concatenation of upsampled and earlier features in a downsampling model."""
    # Attributes that hold an upsampling layer, per class: self.up = nn.ConvTranspose2d(...)
    up_attrs: dict[str | None, set[str]] = {}
    for cs in ix.calls_named(*_UPSAMPLE_LAYER_NAMES):
        if cs.target and cs.target.startswith("self."):
            up_attrs.setdefault(cs.scope[0], set()).add(cs.target)
    for cs in ix.calls_named("cat", "concat", "concatenate"):
        parts = cs.node.args[0] if cs.node.args else None
        if not isinstance(parts, (ast.List, ast.Tuple)) or len(parts.elts) < 2:
            continue
        owner = cs.scope[0]
        attrs = up_attrs.get(owner, set()) if owner else set()
        ups = [e for e in parts.elts if _upsampled(ix, e, cs.scope, attrs)]
        where = f"{owner}.{cs.scope[1]}" if owner else str(cs.scope[1])
        if ups and len(ups) < len(parts.elts) and _downsamples(ix, owner, cs.scope):
            return [("unet", 4, cs.node.lineno, f"U-Net skip connection (cat in {where})")]
        stack = _popped_stack(parts.elts)
        if stack is not None and _pushed(ix, stack, cs.scope):
            # hs.append(h) on the way down, cat([h, hs.pop()]) on the way up: the
            # feature stack of a DDPM/score-model U-Net.
            return [("unet", 4, cs.node.lineno, f"U-Net skip stack ({stack}.pop() in {where})")]
    return []


def _popped_stack(elts: list[ast.expr]) -> str | None:
    """``hs`` when one part of a concatenation is ``hs.pop()``."""
    for e in elts:
        if (
            isinstance(e, ast.Call)
            and isinstance(e.func, ast.Attribute)
            and e.func.attr == "pop"
            and not e.args
            and isinstance(e.func.value, ast.Name)
        ):
            return e.func.value.id
    return None


def _pushed(ix: Index, stack: str, scope: tuple[str | None, str | None]) -> bool:
    """Whether the same function appends to ``stack``."""
    return any(cs.raw == f"{stack}.append" and cs.scope == scope for cs in ix.calls)


def _calls_in(node: ast.expr, names: tuple[str, ...]) -> bool:
    return any(isinstance(n, ast.Call) and _last(n) in names for n in ast.walk(node))


def _exp_of(node: ast.expr) -> ast.expr | None:
    """X for ``exp(X)`` or ``X.exp()``."""
    if isinstance(node, ast.Call) and _last(node) in _EXP_FNS:
        if node.args:
            return node.args[0]
        if isinstance(node.func, ast.Attribute):
            return node.func.value
    return None


def _noise_times_scale(ix: Index, a: ast.expr, b: ast.expr, scope: Scope) -> bool:
    """``eps * exp(...)`` (either order, through one assignment each): a sampled latent.

    A diffusion step scales noise by ``sqrt(1 - abar)``, never by an exponential of
    a predicted log-variance, so that form is left out.
    """
    for noise, scale in ((a, b), (b, a)):
        if _is_noise(ix, noise, scope):
            s = _deref(ix, scale, scope)
            if _calls_in(s, _EXP_FNS) and not _has_sqrt_of_one_minus(s):
                return True
    return False


def _reparameterized(ix: Index, node: ast.AST, scope: Scope) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for side in (node.left, node.right):
            if (
                isinstance(side, ast.BinOp)
                and isinstance(side.op, ast.Mult)
                and _noise_times_scale(ix, side.left, side.right, scope)
            ):
                return True
    elif isinstance(node, ast.Call) and _last(node) in ("add", "add_"):
        # eps.mul(std).add_(mu)
        inner = node.func.value if isinstance(node.func, ast.Attribute) else None
        if (
            isinstance(inner, ast.Call)
            and _last(inner) in ("mul", "mul_")
            and isinstance(inner.func, ast.Attribute)
            and inner.args
        ):
            return _noise_times_scale(ix, inner.func.value, inner.args[0], scope)
    return False


def _terms(node: ast.expr) -> list[ast.expr]:
    """The operands of a chain of + and -."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return _terms(node.left) + _terms(node.right)
    return [node]


def _squared(node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return isinstance(node.right, ast.Constant) and node.right.value == 2
    if isinstance(node, ast.Call) and _last(node) == "square":
        return True
    return (
        isinstance(node, ast.Call)
        and _last(node) == "pow"
        and any(isinstance(a, ast.Constant) and a.value == 2 for a in node.args)
    )


def _gaussian_kl(node: ast.AST) -> bool:
    """``1 + logvar - mu**2 - exp(logvar)`` in any order and any names."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)):
        return False
    terms = _terms(node)
    if len(terms) < 4 or not any(_is_one(t) for t in terms):
        return False
    texts = {ast.unparse(t) for t in terms}
    return any(_squared(t) for t in terms) and any(
        (x := _exp_of(t)) is not None and ast.unparse(x) in texts for t in terms
    )


def _code_units(ix: Index) -> list[tuple[list[ast.stmt], Scope]]:
    units: list[tuple[list[ast.stmt], Scope]] = [
        ([s for s in ix.tree.body if not isinstance(s, _DEFS)], (None, None))
    ]
    for name, defs in ix.functions.items():
        units.extend((fn.body, (owner, name)) for fn, owner in defs)
    return units


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def vae_findings(ix: Index, diffusion: list[Finding]) -> list[Finding]:
    """The reparameterization trick and the Gaussian KL term, read from the expressions.

    ``diffusion`` is :func:`diffusion_findings` of the same file (the caller has it).
    """
    if not ix.calls_named(*_EXP_FNS):
        return []
    reparam: Finding | None = None
    kl: Finding | None = None
    # A diffusion sampler draws x = mean + exp(0.5 * logvar) * noise too: where a
    # noise schedule is in sight, the same formula is not evidence of a VAE.
    noisy = bool(ix.calls_named(*_NOISE_FNS)) and not (
        _SCHEDULE_NAMES & ix.names.keys() or diffusion
    )
    for body, scope in _code_units(ix):
        for stmt in body:
            for node in ast.walk(stmt):
                line = getattr(node, "lineno", 0)
                if reparam is None and noisy and _reparameterized(ix, node, scope):
                    reparam = ("vae", 4, line, "reparameterization (mu + exp(...) * noise)")
                elif kl is None and _gaussian_kl(node):
                    kl = ("vae", 3, line, "Gaussian KL term (1 + logvar - mu^2 - exp(logvar))")
                if reparam and kl:
                    return [reparam, kl]
    return [f for f in (reparam, kl) if f]
