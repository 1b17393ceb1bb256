"""msq._record against dataclasses, on the same class bodies."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from msq import _record
from msq._record import factory, record


@record
class Rec:
    name: str
    line: int | None
    how: str = "constant"
    tags: list[str] = factory(list)


@dataclasses.dataclass
class Dat:
    name: str
    line: int | None
    how: str = "constant"
    tags: list[str] = dataclasses.field(default_factory=list)


@record(frozen=True)
class Frozen:
    a: int
    b: str = "x"


def test_init_defaults_eq_and_repr_behave_like_dataclasses() -> None:
    for args, kw in [
        (("n", 3), {}),
        (("n",), {"line": None, "how": "argparse"}),
        ((), {"name": "n", "line": 1, "tags": ["a"]}),
    ]:
        r, d = Rec(*args, **kw), Dat(*args, **kw)
        assert vars(r) == vars(d)
        assert repr(r) == repr(d).replace("test_record.Dat", "Rec").replace("Dat(", "Rec(")
    assert Rec("n", 1) == Rec("n", 1)
    assert Rec("n", 1) != Rec("n", 2)
    assert Rec("n", 1) != Dat("n", 1)  # another class is never equal
    with pytest.raises(TypeError):
        Rec("n")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Rec("n", 1, nosuch=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        hash(Rec("n", 1))  # mutable records, like dataclasses, are unhashable


def test_factory_defaults_are_fresh_per_instance() -> None:
    a, b = Rec("a", 1), Rec("b", 2)
    a.tags.append("x")
    assert b.tags == [] and a.tags == ["x"]
    assert "tags" not in Rec.__dict__  # the marker does not linger on the class


def test_frozen_records_refuse_changes_and_hash_by_value() -> None:
    f = Frozen(1)
    with pytest.raises(_record.FrozenInstanceError):
        f.a = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del f.b  # type: ignore[misc]
    assert hash(f) == hash(Frozen(1, "x")) and {f: 1}[Frozen(1)] == 1
    assert _record.replace(f, b="y") == Frozen(1, "y")
    with pytest.raises(TypeError):
        _record.replace(f, c=3)


def test_as_dict_recurses_like_asdict() -> None:
    inner = Rec("in", 2, tags=["t"])
    outer = Rec("out", None, tags=[inner])  # type: ignore[list-item]
    d_inner = Dat("in", 2, tags=["t"])
    d_outer = Dat("out", None, tags=[d_inner])  # type: ignore[list-item]
    assert _record.as_dict(outer) == dataclasses.asdict(d_outer)
    assert _record.fields(Rec) == tuple(f.name for f in dataclasses.fields(Dat))


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="follows"):

        @record
        class Bad:
            a: int = 1
            b: int


def test_search_path_imports_neither_dataclasses_nor_typing() -> None:
    code = (
        "import sys\nimport msq.client, msq.render, msq.cli.fast, msq.cli.search_out\n"
        "print(sorted(m for m in ('dataclasses', 'typing', 'inspect', 'tomllib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_search_path_leaves_status_records_grpc_and_autostart_unloaded() -> None:
    """What a search never needs lives in modules of its own; the old names still work."""
    code = (
        "import sys\nimport msq.client, msq.render, msq.cli.fast, msq.cli.search_out\n"
        "print(sorted(m for m in ('msq.status_types', 'msq.transport._grpc', 'msq.autostart', "
        "'subprocess') if m in sys.modules))\n"
        "from msq.types import Root, Status\nfrom msq import status_types\n"
        "print(Root is status_types.Root and Status is status_types.Status)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split("\n")[:2] == ["[]", "True"], out.stdout + out.stderr
