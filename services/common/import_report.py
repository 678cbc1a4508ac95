"""The per-record report of an import: problems of the file's reading, and of its references.

The codecs locate what they refuse (path and line). A reference problem (an unknown teacher, a group
that does not exist) is found later, on the model, where lines are gone: it is described by an XPath on
the record's key, and :func:`locate` finds every such record in one more parse of the file, so both kinds
of problem carry the same positional path (``/EDT_STS/DONNEES/…/DIVISION[12]``) and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from services.common.contracts import ReportEntry
from services.common.errors import DomainError
from services.common.formats.errors import FormatError, FormatErrors
from services.common.formats.xmlsafe import element_path, line_of, parse_xml


@dataclass(frozen=True)
class Finding:
    """A record refused by a reference check: ``xpath`` (from the root, with ``$variables``) finds it."""

    code: str
    title: str
    detail: str
    xpath: str
    variables: dict[str, str] = field(default_factory=dict)


def format_entries(problems: Iterable[FormatError]) -> list[ReportEntry]:
    return [ReportEntry.model_validate(problem.summary()) for problem in problems]


def locate(xml: bytes, filename: str, findings: Sequence[Finding]) -> list[ReportEntry]:
    """Report entries for ``findings``, each with the path and line of the record it names."""
    if not findings:
        return []
    root = parse_xml(xml, filename=filename)
    entries = []
    for finding in findings:
        found = etree.XPath(finding.xpath)(root, **finding.variables)
        elem = found[0] if isinstance(found, list) and found else None
        entries.append(
            ReportEntry(
                code=finding.code,
                title=finding.title,
                detail=finding.detail,
                path=element_path(elem) if elem is not None else None,  # type: ignore[arg-type]
                line=line_of(elem) if elem is not None else None,  # type: ignore[arg-type]
                record=record_name(elem) if elem is not None else None,  # type: ignore[arg-type]
            )
        )
    return entries


# The attributes that identify a record in the SIECLE/STS files, in the order they are preferred.
_KEYS = ("CODE", "ID", "ELEVE_ID", "CODE_STRUCTURE", "CODE_MATIERE")


def record_name(elem: etree._Element) -> str:
    """ "DIVISION 3A": the element's name and its identifying attribute, as the file spells them."""
    tag = str(etree.QName(elem).localname)
    key = next((str(elem.get(name)) for name in _KEYS if elem.get(name)), None)
    return f"{tag} {key}" if key else tag


def report_of(error: DomainError) -> list[ReportEntry]:
    """The report of a file refused as a whole: its record errors, or the one error."""
    if isinstance(error, FormatErrors):
        return format_entries(error.errors)
    if isinstance(error, FormatError):
        return format_entries([error])
    return [ReportEntry(code=error.code, title=error.title, detail=error.detail)]
