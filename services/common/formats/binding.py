"""Declarative binding between ``@dataclass`` records and XML elements, shared by the BEE codecs.

A record's fields, in declaration order, are its XML children in the order the ministry's files write
them. Each field is declared ``name: Annotated[type, binding] = default``, for instance
``libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None``; a field without a default is
required. One generic reader (:mod:`.reading`) and one generic writer (:mod:`.writing`) serve every codec:

* the reader is lenient: unknown children are ignored, child order is not checked, text is stripped,
  identifiers are kept as read; a missing required element or an impossible date is a located error;
* the writer is strict: it writes the declared order and, unless told otherwise, checks every identifier
  it writes (UAI, INE, MEF, code matière, code de structure).

A list bound with ``wrapper`` sits under a container element: None means "container absent" and ``[]``
"container present but empty", so that reading then writing gives the same tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from typing import Any, Literal, get_type_hints

Kind = Literal["text", "date", "datetime", "year", "attribute", "record", "records", "raw"]
Check = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Binding:
    """How one dataclass field maps to XML."""

    tag: str
    kind: Kind
    check: Check | None = None  # run by strict writers on the written value
    lenient: Check | None = None  # run by readers: the little they do refuse
    record: type[Any] | None = None
    wrapper: str | None = None
    required: bool = False  # set by plan() from the field's lack of default


@dataclass(slots=True, kw_only=True)
class RawElement:
    """An element kept as found, for blocks whose content no sample shows (e.g. PERIODES_PEDAGOGIQUES)."""

    tag: str
    attributes: dict[str, str] = field(default_factory=dict)
    text: str = ""
    children: list[RawElement] = field(default_factory=list)


def text(tag: str, *, check: Check | None = None, lenient: Check | None = None) -> Binding:
    """A child element holding a string."""
    return Binding(tag, "text", check=check, lenient=lenient)


def attribute(tag: str, *, check: Check | None = None) -> Binding:
    """An attribute holding a string."""
    return Binding(tag, "attribute", check=check)


def date_fr(tag: str) -> Binding:
    """A child element holding a ``dd/mm/yyyy`` date."""
    return Binding(tag, "date")


def timestamp_fr(tag: str) -> Binding:
    """A child element holding a ``dd/mm/yyyy hh:mm:ss`` time stamp (naive, local)."""
    return Binding(tag, "datetime")


def year(tag: str) -> Binding:
    """A child element holding a 4-digit year, read as an int."""
    return Binding(tag, "year")


def record(tag: str, cls: type[Any]) -> Binding:
    """A child element read as a nested record."""
    return Binding(tag, "record", record=cls)


def records(tag: str, cls: type[Any], *, wrapper: str | None = None) -> Binding:
    """Repeated ``tag`` children (under ``wrapper`` if given) read as a list of records."""
    return Binding(tag, "records", record=cls, wrapper=wrapper)


def raw(tag: str) -> Binding:
    """A child element kept whole as a :class:`RawElement`."""
    return Binding(tag, "raw")


Plan = tuple[tuple[str, Binding], ...]
_PLANS: dict[type[Any], Plan] = {}


def plan(cls: type[Any]) -> Plan:
    """The record's bound fields in XML order (computed once per class)."""
    found = _PLANS.get(cls)
    if found is None:
        hints = get_type_hints(cls, include_extras=True)
        found = _PLANS[cls] = tuple((f.name, _binding(cls, f, hints[f.name])) for f in fields(cls))
    return found


def _binding(cls: type[Any], f: Field[Any], hint: Any) -> Binding:
    bindings = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Binding)]
    if len(bindings) != 1:
        raise TypeError(f"{cls.__name__}.{f.name} needs exactly one Annotated[..., Binding]")
    required = f.default is MISSING and f.default_factory is MISSING
    return replace(bindings[0], required=required)
