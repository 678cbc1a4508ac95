"""Record-by-record reading for the files editors push (EDT_STS, IMPORT_ELEVES), and its result type.

A pushed file is refused outright only for file-level problems (not XML, wrong root, bad UAI in the
header...). Each record (a division, a course, a pupil, a group link) is read on its own: a bad one is
reported as a located :class:`~.errors.FormatError` and left out of the model, so the caller decides to
**block** (refuse the file when :attr:`Checked.problems` is not empty) or to **skip** (import
:attr:`Checked.model`, which holds only the records that passed, and report the problems).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats.errors import ErrorCollector, FormatError, FormatErrors
from services.common.formats.xmlsafe import (
    element_path,
    expect_root,
    line_of,
    parse_xml,
    required_text,
    source_name,
    text,
)

T = TypeVar("T")


@dataclass(slots=True)
class Checked(Generic[T]):
    """A file read record by record: the records that passed, and the problems of those left out."""

    model: T
    problems: list[FormatError]

    def strict(self) -> T:
        """The model if no record was left out; else raise the problems (see :func:`raise_if_any`)."""
        raise_if_any(self.problems)
        return self.model


def raise_if_any(errors: list[FormatError]) -> None:
    """Raise ``errors``, a lone one as itself and several as :class:`~.errors.FormatErrors`."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise FormatErrors(errors, file=errors[0].file)


def check_document(
    data: bytes, *, filename: str, root: str, read: Callable[[etree._Element, ErrorCollector], T]
) -> Checked[T]:
    """Parse ``data`` safely, check its root and ``read`` it, collecting the record problems.

    File-level problems raise. Past the collector's limit (200 problems) the whole file is refused
    with :class:`~.errors.FormatErrors`: such a file gets no longer report.
    """
    tree = parse_xml(data, filename=filename)
    expect_root(tree, root)
    collector = ErrorCollector(file=filename)
    model = read(tree, collector)
    return Checked(model, collector.errors)


def read_each(
    elems: Iterable[etree._Element], read: Callable[[etree._Element], T], collector: ErrorCollector
) -> list[T]:
    """``read`` every element; one that raises :class:`FormatError` is collected and left out."""
    items = []
    for elem in elems:
        with collector.record():
            items.append(read(elem))
    return items


def raise_all(errors: list[FormatError], elem: etree._Element) -> None:
    """Raise a record's errors, located at ``elem`` (one as itself, several together)."""
    if not errors:
        return
    for error in errors:
        error.locate(file=source_name(elem), path=element_path(elem), line=line_of(elem))
    if len(errors) == 1:
        raise errors[0]
    raise FormatErrors(errors, file=source_name(elem))


def located_at(errors: list[FormatError], path: str) -> list[FormatError]:
    """``errors`` with their path set (model validation: there is no line to give)."""
    for error in errors:
        error.locate(path=path)
    return errors


def errors_of(check: Callable[[str], str], value: str, path: str | None = None) -> list[FormatError]:
    """The error ``check(value)`` raises, as a list (empty when ``value`` passes), located at ``path``."""
    try:
        check(value)
    except FormatError as error:
        return [error] if path is None else located_at([error], path)
    return []


def first_of(what: str, code: str, seen: set[str]) -> list[FormatError]:
    """No error the first time ``code`` is met (it is then added to ``seen``), a duplicate error after."""
    if code in seen:
        return [FormatError(code=codes.VALEUR_INVALIDE, detail=f"{what} « {code} » déclaré(e) deux fois.")]
    seen.add(code)
    return []


def child_texts(elem: etree._Element) -> dict[str, str]:
    """The stripped text of each child, by tag (the first of a repeated tag): one pass over the
    children where several :func:`parsed` calls would search them each."""
    texts: dict[str, str] = {}
    for child in elem:
        if isinstance(child.tag, str) and child.tag not in texts:
            texts[child.tag] = (child.text or "").strip()
    return texts


def parsed_from(texts: dict[str, str], elem: etree._Element, tag: str, parse: Callable[[str], T]) -> T:
    """Like :func:`parsed`, from the :func:`child_texts` of ``elem``."""
    value = texts.get(tag)
    if not value:
        return parsed(elem, tag, parse)  # raises the located "missing" error
    try:
        return parse(value)
    except FormatError:
        return parse_at(elem.find(tag), value, parse)  # raises again, located at the child


def parsed(elem: etree._Element, tag: str, parse: Callable[[str], T]) -> T:
    """The required child ``tag`` parsed by ``parse``; its error located at the child."""
    value = required_text(elem, tag)
    return parse_at(elem.find(tag), value, parse)


def parsed_optional(elem: etree._Element, tag: str, parse: Callable[[str], T]) -> T | None:
    """Like :func:`parsed`, but an absent or empty child is None."""
    value = text(elem, tag)
    return parse_at(elem.find(tag), value, parse) if value else None


def parse_int(value: str) -> int:
    """A non-negative decimal integer (``EFFECTIF_PREVU``, ``JOUR``, ``NUM_ENVOI``)."""
    if not value.isascii() or not value.isdigit():
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"« {value} » n'est pas un nombre entier.")
    return int(value)


def parse_year(value: str) -> int:
    """A 4-digit school year (``ANNEE_SCOLAIRE``: 2016 means 2016-2017)."""
    if len(value) != 4 or not value.isascii() or not value.isdigit():
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"année « {value} » au lieu de aaaa.")
    return int(value)


def parse_at(child: etree._Element | None, value: str, parse: Callable[[str], T]) -> T:
    """``parse(value)``, its error located at ``child`` (the element ``value`` was read from)."""
    try:
        return parse(value)
    except FormatError as error:
        if child is not None:
            error.locate(file=source_name(child), path=element_path(child), line=line_of(child))
        raise
