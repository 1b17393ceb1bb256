"""Plain record classes for the client's search path, without the dataclasses module.

Why: ``import dataclasses`` costs ~9 ms here (it imports inspect, which imports ast,
dis and tokenize), 40% of a bare interpreter start, and ``msq QUERY`` may add only one
interpreter start in all. The records a search touches (msq.types, msq.paths,
msq.render, msq.render.tablefit) use :func:`record` instead; modules off that path keep
dataclasses.

What it supports is what those modules use: annotated fields in order, defaults,
``factory(list)`` for mutable defaults, positional or keyword ``__init__``, ``==``
between records of one class, ``repr``, ``frozen=True`` (immutable and hashable),
:func:`replace` and :func:`as_dict`. No inheritance of fields, no ``__post_init__``.
tests/msq/test_record.py checks it against dataclasses on the same class bodies.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs ~4 ms to import
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class factory:
    """A default made fresh for every instance: ``tags: list[str] = factory(list)``."""

    __slots__ = ("make",)

    def __init__(self, make: Any) -> None:
        self.make = make


def record(cls: type[T] | None = None, *, frozen: bool = False) -> Any:
    """Class decorator: ``__init__``, ``__eq__``, ``__repr__`` (and freezing) from fields."""

    def wrap(c: type[T]) -> type[T]:
        return _build(c, frozen)

    return wrap if cls is None else wrap(cls)


def _build(cls: type[T], frozen: bool) -> type[T]:
    # Not inspect.get_annotations: inspect is what this module exists to avoid.
    names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
    glb: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = [], []
    for n in names:
        default = cls.__dict__.get(n, _MISSING)
        if isinstance(default, factory):
            glb[f"_make_{n}"] = default.make
            params.append(f"{n}=_MISSING")
            value = f"_make_{n}() if {n} is _MISSING else {n}"
            delattr(cls, n)
        else:
            if default is not _MISSING:
                glb[f"_default_{n}"] = default
                params.append(f"{n}=_default_{n}")
            elif any("=" in p for p in params):
                raise TypeError(f"{cls.__name__}: field {n!r} without a default follows one")
            else:
                params.append(n)
            value = n
        body.append(f"    _set(self, {n!r}, {value})" if frozen else f"    self.{n} = {value}")
    src = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    exec(src, glb)
    init = glb["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"

    def __eq__(self: Any, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in names)

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{cls.__qualname__}({inner})"

    cls.__init__ = init  # type: ignore[misc]
    cls.__eq__ = __eq__  # type: ignore[method-assign,assignment]
    cls.__repr__ = __repr__  # type: ignore[method-assign,assignment]
    cls.__record_fields__ = names  # type: ignore[attr-defined]
    if frozen:

        def __setattr__(self: Any, name: str, value: Any) -> None:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self: Any, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete field {name!r}")

        def __hash__(self: Any) -> int:
            return hash(tuple(getattr(self, n) for n in names))

        cls.__setattr__ = __setattr__  # type: ignore[method-assign,assignment]
        cls.__delattr__ = __delattr__  # type: ignore[method-assign,assignment]
        cls.__hash__ = __hash__  # type: ignore[method-assign,assignment]
    else:
        cls.__hash__ = None  # type: ignore[assignment] - mutable and compared by value
    return cls


def fields(obj: Any) -> tuple[str, ...]:
    """The field names of a record class or instance, in order."""
    return obj.__record_fields__  # type: ignore[no-any-return]


def replace(obj: T, **changes: Any) -> T:
    """A copy of record ``obj`` with ``changes`` applied."""
    values = {n: getattr(obj, n) for n in fields(obj)}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return type(obj)(**values)


def as_dict(obj: Any) -> Any:
    """A record (and records inside lists, tuples and dicts) as plain dicts."""
    if hasattr(type(obj), "__record_fields__"):
        return {n: as_dict(getattr(obj, n)) for n in fields(obj)}
    if isinstance(obj, list | tuple):
        return type(obj)(as_dict(x) for x in obj)
    if isinstance(obj, dict):
        return {k: as_dict(v) for k, v in obj.items()}
    return obj
