"""Datasets (canonical names, class subsets) and image size."""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from ..card import Field
from ..vocab import DATASET_CLASSES, DATASET_COLLECTIONS, canonical_dataset
from .common import arg_or_kw, kwarg, number, resolve_at, to_field, with_alternatives
from .datanames import PRETRAINING_NAMES, env_name, named_dataset, names_in
from .hyper import named_value
from .index import CallSite, Index
from .names import DATASET_NAMES, IMAGE_SIZE_NAMES
from .resolve import Resolver, Val

# Calls whose first string argument names a dataset (HF hub id, tfds name, gym env id).
_NAMED_LOADERS = {
    "load_dataset",
    "load",
    "make",
    "builder",
    "load_from_disk",
    "make_vec_env",
    "make_atari_env",
    "make_env",  # the RL convention: make_env(env_id, seed, ...)
    "fetch_openml",
    "competition_download",  # kagglehub
    "dataset_download",
}
# Wrappers around a path that keep its meaning: open(os.path.expanduser(args.data)).
_PATH_WRAPPERS = {"expanduser", "expandvars", "abspath", "realpath", "normpath", "Path"}
_PATH_WRAPPERS |= {"PurePath", "fspath", "str", "resolve"}
_FOLDER_LOADERS = {
    "ImageFolder",
    "DatasetFolder",
    "image_dataset_from_directory",
    "flow_from_directory",
    "read_csv",
    "load_files",
    "open",
    "loadtxt",
    "read_text",
    "urlretrieve",
    "download_url",
    "get_file",  # keras.utils.get_file(fname, origin=URL)
    "read_data_sets",  # TF1: input_data.read_data_sets("MNIST_data")
}
_HUB_LOADERS = {"load_dataset", "load", "builder"}
_HUB_ID = re.compile(r"^[A-Za-z][\w-]*(/[\w.-]+)?(:[\w.]+)?$")
# Shell commands that fetch data (a notebook's ``!wget``, ``!curl -O``, ``!kaggle``).
_DOWNLOAD_CMD = re.compile(r"^\s*(wget|curl|gdown|aria2c|kaggle)\b")
_URL = re.compile(r"https?://[^\s'\"]+")
_FIT_CALLS = {"fit", "fit_generator", "train_on_batch", "train_step", "step"}
_SPLIT = re.compile(r"[/\\:]")
_TARGETISH = re.compile(r"target|label|(^|\W)y(_\w+)?($|\W)|class", re.I)


@lru_cache(maxsize=8192)
def _canon(word: str) -> str | None:
    """The canonical data set (or RL environment) a word names; pure, so cached: every
    call of every file asks it about the called class's name."""
    env = env_name(word)
    if env:
        return env
    w = word.strip().lower()
    if not w or len(w) > 120:
        return None
    hit = canonical_dataset(w)
    if hit:
        return hit
    for variant in (
        w.replace("_", "-"),
        w.replace("-", ""),
        w.replace("_", ""),
        re.sub(r"-v\d+$", "", w),
        re.sub(r"(-raw)?(-v\d+)?$", "", w),  # HF configs: wikitext-103-raw-v1
        re.sub(r"^load_|^fetch_", "", w),
    ):
        hit = canonical_dataset(variant)
        if hit:
            return hit
    return None


def _from_string(s: str) -> str | None:
    hit = _canon(s)
    if hit:
        return hit
    parts = [p for p in _SPLIT.split(s) if p and p not in (".", "..", "data", "datasets")]
    for p in reversed(parts):
        hit = _canon(p) or _canon(p.rsplit(".", 1)[0])
        if hit:
            return hit
    for p in reversed(parts):
        named = names_in(p)  # "DIV2K_train_HR", "mnist_png"
        if named:
            return named[-1]
    return None


def _site_dataset(ix: Index, cs: CallSite, r: Resolver) -> tuple[str, Val | None] | None:
    """(canonical name, provenance of the string it came from) for one call."""
    name = cs.name
    if name.startswith(("torchvision.datasets", "torchvision.datasets.", "datasets.")) or (
        ".datasets." in name and cs.last[:1].isupper()
    ):
        hit = _canon(cs.last)
        if hit:
            return hit, None
    named = _named_dataset_class(cs, r)
    if named is not None:
        return named
    if "." in name and cs.last[:1].isupper() and cs.last not in ix.classes:
        # An imported class named for its data set: lightning's demos.WikiText2(),
        # pycocotools' COCO(annotations).
        hit = _canon(cs.last)
        if hit:
            return hit, None
    if cs.last == "load_data":
        # mnist = tf.keras.datasets.mnist; mnist.load_data(): follow the one alias.
        head, _, rest = cs.raw.partition(".")
        b = next(iter(ix.bindings.get(head, ())), None) if rest == "load_data" else None
        if b is not None and isinstance(b.value, ast.Attribute):
            name = ix.expand(ast.unparse(b.value)) + ".load_data"
    if ".datasets." in name and cs.last == "load_data":
        hit = _canon(name.split(".")[-2])
        if hit:
            return hit, None
    if cs.last.startswith(("load_", "fetch_")) and "sklearn" in name:
        hit = _canon(cs.last)
        if hit:
            return hit, None
    if cs.last == "load" and not name.startswith(("tfds", "tensorflow_datasets")):
        return None
    if cs.last == "make" and not name.startswith(("gym", "gymnasium")):
        return None
    if cs.last == "load_dataset":
        got = _hf_config(cs, r)
        if got is not None:
            return got
    if cs.last in _NAMED_LOADERS or cs.last in _FOLDER_LOADERS:
        node = arg_or_kw(cs.node, 0, "path", "name", "directory", "root", "id", "file")
        if cs.last == "get_file":
            node = kwarg(cs.node, "origin") or arg_or_kw(cs.node, 1, "origin") or node
        f = cs.node.func
        if node is None and isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call):
            node = f.value  # Path(p).read_text(), Path(p).open()
        v = _path_val(r, cs, node)
        if v is not None and isinstance(v.value, str):
            hit = _from_string(v.value)
            if hit:
                return hit, v
            if cs.last in _HUB_LOADERS and _HUB_ID.match(v.value):
                # A hub or catalogue id names its dataset even when the vocabulary
                # does not know it (load_dataset("imdb_reviews"), tfds.load("ogbg_molpcba")).
                return v.value.split(":")[0], v
    if cs.last[:1].isupper() and cs.name.startswith("torchvision"):
        return None
    return None


# Graph-data catalogues whose dataset classes take the data set's name: PyG's
# ``Planetoid(root, "Cora")``/``TUDataset(root, name="MUTAG")``, OGB's
# ``PygNodePropPredDataset(name="ogbn-arxiv")``, DGL's ``DglNodePropPredDataset``.
_CATALOGUES = ("torch_geometric.datasets", "ogb.", "dgl.data")
_CATALOGUE_ID = re.compile(r"^[A-Za-z][\w.-]{1,60}$")


def _named_dataset_class(cs: CallSite, r: Resolver) -> tuple[str, Val | None] | None:
    """A dataset class called with the name of the data set it loads (``name=``, or the
    second positional argument of a PyG dataset): that name, canonical when known."""
    if not cs.last[:1].isupper():
        return None
    catalogue = cs.name.startswith(_CATALOGUES)
    if not (catalogue or cs.last.endswith("Dataset")):
        return None
    node = kwarg(cs.node, "name")
    if node is None and cs.name.startswith("torch_geometric.datasets") and len(cs.node.args) > 1:
        node = cs.node.args[1]
    if node is None:
        return None
    v = resolve_at(r, cs, node)
    if v is None or not isinstance(v.value, str):
        return None
    hit = _canon(v.value)
    if hit:
        return hit, v
    if catalogue and _CATALOGUE_ID.match(v.value):
        return v.value, v
    return None


def _hf_config(cs: CallSite, r: Resolver) -> tuple[str, Val | None] | None:
    """``load_dataset(path, name)``: a config that is a known data set decides
    (("glue", "sst2") -> SST-2); a collection's config names the task or pair
    (("wmt16", "de-en") -> "WMT16 (de-en)"); other configs are variants of ``path``."""
    cfg = resolve_at(r, cs, arg_or_kw(cs.node, 1, "name"))
    if cfg is None or not isinstance(cfg.value, str) or not cfg.value:
        return None
    path = resolve_at(r, cs, arg_or_kw(cs.node, 0, "path"))
    hit = _canon(cfg.value)
    if hit:
        return hit, cfg
    base = _from_string(path.value) if path is not None and isinstance(path.value, str) else None
    if base in DATASET_COLLECTIONS and re.fullmatch(r"[\w.-]{1,40}", cfg.value):
        return f"{base} ({cfg.value})", path
    return None


def _path_val(r: Resolver, cs: CallSite, node: ast.expr | None) -> Val | None:
    """The path string ``node`` stands for, seeing through ``os.path.expanduser``,
    ``Path(...)`` and ``os.path.join`` (provenance of the first named part)."""
    for _ in range(4):
        if not isinstance(node, ast.Call):
            break
        f = node.func
        last = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if not node.args:
            if last in _PATH_WRAPPERS and isinstance(f, ast.Attribute):
                node = f.value  # Path(p).expanduser()
                continue
            break
        if last == "join" and not isinstance(getattr(f, "value", None), ast.Constant):
            parts = [r.resolve(a, cs.scope) for a in node.args]
            if not parts or any(p is None or not isinstance(p.value, str) for p in parts):
                return None
            first = next((p for p in parts if p and p.how != "literal"), parts[0])
            assert first is not None
            joined = "/".join(str(p.value) for p in parts if p is not None)
            return Val(joined, first.how, first.detail, first.line, first.file)
        if last not in _PATH_WRAPPERS:
            break
        node = node.args[0]
    return resolve_at(r, cs, node)


def _categories(cs: CallSite, r: Resolver) -> str:
    """ " (a, b)" for sklearn's ``fetch_20newsgroups(categories=[...])``, else ""."""
    v = resolve_at(r, cs, kwarg(cs.node, "categories"))
    if v is None or not isinstance(v.value, list) or not v.value:
        return ""
    if not all(isinstance(c, str) for c in v.value):
        return ""
    return f" ({', '.join(v.value)})"


def dataset_field(
    ix: Index,
    r: Resolver,
    path: str = "<memory>",
    project_dir: str | None = None,
    trains: bool = True,
) -> Field | None:
    """The dataset the file trains on: what its loader calls load (the option that
    chooses between several deciding), else what its names say (``datanames``)."""
    found: list[tuple[str, Field]] = []
    for cs in ix.calls:
        hit = _site_dataset(ix, cs, r)
        if hit is None:
            continue
        canon, v = hit
        if v is not None and v.how != "literal":
            f = Field(canon, v.line, v.how, v.detail, file=v.file)
        else:
            f = Field(canon, cs.node.lineno, "literal", cs.raw)
        if cs.last.startswith("fetch_"):
            f.value = canon + _categories(cs, r)
        found.append((canon.split(" (")[0], f))
    if not found:
        for s, line in ix.strings:
            urls = [s] if s.startswith(("http://", "https://")) else []
            if not urls and _DOWNLOAD_CMD.match(s):
                urls = _URL.findall(s)  # "wget -q https://.../aclImdb_v1.tar.gz"
            for url in urls:
                hit2 = _from_string(url)
                if hit2 and hit2 not in PRETRAINING_NAMES:
                    found.append((hit2, Field(hit2, line, "literal", "download URL")))
    if not found:
        return named_dataset(ix, r, path, project_dir, trains) or _data_file(ix, r)
    main_name = found[0][0]
    if len({n for n, _ in found}) > 1:
        # Several models trained one after the other (a notebook, a course chapter):
        # the last dataset loaded before the last training call is the main one.
        fits = [cs.node.lineno for cs in ix.calls if cs.last in _FIT_CALLS]
        before = [n for n, f in found if fits and (f.line or 0) <= max(fits)]
        if before:
            main_name = before[-1]
    # A dataset chosen by an option (``--dataset mnist``) decides which of several loads is main.
    chosen = named_value(ix, r, DATASET_NAMES)
    if chosen is not None and isinstance(chosen.value, str):
        c = _from_string(chosen.value)
        if c and any(n == c for n, _ in found):
            main_name = c
    main = next(f for n, f in found if n == main_name)
    subset = _class_subset(ix, r, main_name)
    if subset:
        main.value = f"{main_name} ({', '.join(subset)})"
    others = []
    seen = {main_name}
    for n, f in found:
        if n not in seen:
            seen.add(n)
            others.append(f)
    return with_alternatives(main, others)


# A data file or folder the code reads, named by a person (``data/names/*.txt``,
# ``--input-file names.txt``): the data set when no known one is loaded.
_DATA_EXT = (".txt", ".csv", ".tsv", ".jsonl", ".parquet", ".npy", ".npz")
_GENERIC_DATA = frozenset({
    "data", "dataset", "datasets", "input", "inputs", "train", "training", "test", "testing",
    "val", "valid", "validation", "text", "texts", "corpus", "file", "files", "sample",
    "samples", "submission", "sample_submission", "out", "output", "outputs", "tmp", "temp",
    "log", "logs", "vocab", "vocabulary", "labels", "label", "words", "tokens", "raw",
    "processed", "images", "image", "img", "imgs", "results", "checkpoint", "checkpoints",
    "model", "models", "dev", "all", "full",
})  # fmt: skip
_READERS = {
    "open", "glob", "iglob", "read_csv", "read_table", "read_json", "read_parquet",
    "loadtxt", "genfromtxt", "load", "read_text", "Path",
}  # fmt: skip
_SPLIT_FILE = re.compile(
    r"(train|test|val|valid|dev)([^a-z].*)?|.*[^a-z](train|test|val|valid|dev)"
)


def _data_file(ix: Index, r: Resolver) -> Field | None:
    """A dataset named by the data file or folder a call reads, when nothing else names one."""
    for cs in ix.calls:
        node = arg_or_kw(cs.node, 0, "path", "pathname", "filepath_or_buffer", "file", "fname")
        if node is None:
            continue
        # Any call given a literal path (a project's own findFiles("data/names/*.txt"));
        # paths in variables are followed only into readers (resolving every call's
        # first argument would cost more than the rest of the dataset rules).
        literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if not literal and cs.last not in _READERS:
            continue
        v = _path_val(r, cs, node)
        if v is None or not isinstance(v.value, str) or "://" in v.value:
            continue
        name = _data_name(v.value)
        if name is None:
            continue
        line = v.line if v.how != "literal" else cs.node.lineno
        how, detail = (v.how, v.detail) if v.how != "literal" else ("literal", f"reads {v.value}")
        return Field(name, line, how, detail, file=v.file if v.how != "literal" else None)
    return None


def _data_name(path: str) -> str | None:
    """``../data/names/*.txt`` -> "names"; ``names.txt`` -> "names.txt"; generic -> None."""
    parts = [p for p in re.split(r"[/\\]", path.strip()) if p and p not in (".", "..")]
    if not parts or len(path) > 200:
        return None
    last = parts[-1]
    if "*" in last:
        if not last.lower().endswith(_DATA_EXT) or len(parts) < 2 or "*" in parts[-2]:
            return None
        name, stem = parts[-2], parts[-2]
    elif last.lower().endswith(_DATA_EXT):
        name, stem = last, last.rsplit(".", 1)[0]
    else:
        return None
    low = stem.lower()
    if low in _GENERIC_DATA or not re.search(r"[a-z]{3}", low) or "{" in stem or "%" in stem:
        return None
    if _SPLIT_FILE.fullmatch(low):
        return None  # a split file (train_x.csv, data_test.txt) names no data set
    return name


def _int_set(v: Val | None) -> list[int] | None:
    if v is None:
        return None
    x = v.value
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return [x]
    if isinstance(x, list) and x and all(isinstance(i, int) and not isinstance(i, bool) for i in x):
        return list(x)
    return None


def _class_subset(ix: Index, r: Resolver, dataset: str) -> list[str] | None:
    names = DATASET_CLASSES.get(dataset)
    if not names:
        return None
    labels: set[int] = set()
    for cmp, scope in ix.compares:
        sides = [cmp.left, *cmp.comparators]
        if not any(isinstance(op, (ast.Eq, ast.In)) for op in cmp.ops):
            continue
        texts = [
            ast.unparse(s)
            if isinstance(s, (ast.Name, ast.Attribute, ast.Subscript, ast.Call))
            else ""
            for s in sides
        ]
        if not any(_TARGETISH.search(t) for t in texts):
            continue
        for s in sides:
            got = _int_set(r.resolve(s, scope))
            if got:
                labels.update(got)
    for cs in ix.calls_named("isin"):
        if len(cs.node.args) >= 2 and _TARGETISH.search(ast.unparse(cs.node.args[0])):
            got = _int_set(r.resolve(cs.node.args[1], cs.scope))
            if got:
                labels.update(got)
    for key, binds in ix.bindings.items():
        low = key.lower()
        if ("class" in low or "label" in low) and (
            "keep" in low or "select" in low or "subset" in low or "wanted" in low
        ):
            for b in binds:
                got = _int_set(r.resolve(b.value, b.scope)) if b.value is not None else None
                if got:
                    labels.update(got)
                elif isinstance(b.value, (ast.List, ast.Tuple)):
                    strs = [e.value for e in b.value.elts if isinstance(e, ast.Constant)]
                    lowered = [n.lower() for n in names]
                    for s in strs:
                        if isinstance(s, str) and s.lower() in lowered:
                            labels.add(lowered.index(s.lower()))
    labels = {i for i in labels if 0 <= i < len(names)}
    if not labels or len(labels) >= len(names):
        return None
    return [names[i] for i in sorted(labels)]


_SIZE_CALLS = {"Resize", "RandomResizedCrop", "CenterCrop", "RandomCrop", "Resizing", "resize"}
_SIZE_KWARGS = ("image_size", "img_size", "sample_size", "resolution", "target_size")


def _size_of(v: Val | None) -> Val | None:
    if v is None:
        return None
    x = v.value
    if isinstance(x, list) and len(x) >= 2 and all(isinstance(i, int) for i in x[:2]):
        return Val(x[0], v.how, v.detail, v.line, v.file)
    return number(v, int)


def image_size_field(ix: Index, r: Resolver) -> Field | None:
    """Priority: resize then crop inside a transform pipeline (Compose), then
    ``img_size=``-style arguments, then resizes/crops elsewhere, then named
    constants, then input shapes and noise tensor shapes."""
    in_compose: set[int] = set()
    for cs in ix.calls_named("Compose"):
        for a in cs.node.args:
            in_compose.update(id(n) for n in ast.walk(a))
    groups: list[list[Val]] = [[], [], [], [], []]
    for cs in ix.calls:
        if cs.last in _SIZE_CALLS and (
            cs.name.startswith(
                ("torchvision", "transforms", "T.", "tf.", "tensorflow", "keras", "A.")
            )
            or cs.raw != cs.name
            or cs.last[0].isupper()
        ):
            pos = 1 if cs.last == "resize" else 0
            v = _size_of(resolve_at(r, cs, arg_or_kw(cs.node, pos, "size", "height")))
            if v is None or v.value <= 1:
                continue
            crop = "Crop" in cs.last and "Resized" not in cs.last
            inside = id(cs.node) in in_compose
            groups[(1 if crop else 0) if inside else (4 if crop else 3)].append(v)
        else:
            v = _size_of(resolve_at(r, cs, kwarg(cs.node, *_SIZE_KWARGS)))
            if v is not None and v.value > 1:
                groups[2].append(v)
    for group in groups:
        if group:
            return to_field(group[0])
    v = _size_of(
        named_value(
            ix,
            r,
            IMAGE_SIZE_NAMES,
        )
    )
    if v is not None:
        return to_field(v)
    for cs in ix.calls:
        if cs.last in ("Input", "InputLayer") or kwarg(cs.node, "input_shape") is not None:
            v = resolve_at(r, cs, kwarg(cs.node, "shape", "input_shape"))
            if v is not None and isinstance(v.value, list) and len(v.value) == 3:
                dims = v.value
                if dims[0] == dims[1] and isinstance(dims[0], int):
                    return Field(dims[0], v.line, v.how, v.detail or "input_shape", file=v.file)
    for cs in ix.calls_named("randn", "rand", "normal"):
        args = cs.node.args
        if len(args) == 1 and isinstance(args[0], (ast.Tuple, ast.List)):
            args = args[0].elts
        if len(args) == 4:
            h = number(r.resolve(args[2], cs.scope), int)
            w = number(r.resolve(args[3], cs.scope), int)
            if h is not None and w is not None and h.value == w.value and h.value > 4:
                return to_field(h)
    return None
