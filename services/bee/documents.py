"""Reference documents kept whole per school and year (the nomenclatures), section by section.

A document model is a codec dataclass with a ``version``, a ``parametres`` header and a ``donnees``
record whose fields are lists of items; each item is one row, so a section can be read or replaced
without rewriting the others.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeVar

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee.models import DocumentEntry
from services.common.records import from_data, to_data

D = TypeVar("D")
_HEADER = "_header"  # the non-list fields of DONNEES, and the root's VERSION


async def store_document(session: AsyncSession, uai: str, year: int, kind: str, document: Any) -> int:
    """Replace the school's ``kind`` document for ``year``; returns the number of items stored."""
    await session.exec(delete(DocumentEntry).where(*_scope(uai, year, kind)))
    donnees = document.donnees
    header: dict[str, Any] = {"version": document.version}
    count = 0
    for field in dataclasses.fields(donnees):
        value = getattr(donnees, field.name)
        if not isinstance(value, list):
            header[field.name] = to_data(value)
            continue
        header[f"{field.name}:present"] = True
        for position, item in enumerate(value):
            session.add(
                DocumentEntry(
                    uai=uai, year=year, kind=kind, section=field.name, position=position, item=to_data(item)
                )
            )
            count += 1
    session.add(DocumentEntry(uai=uai, year=year, kind=kind, section=_HEADER, position=0, item=header))
    return count


async def load_document(
    session: AsyncSession, uai: str, year: int, kind: str, document_type: type[D], parametres: Any
) -> tuple[D, int] | None:
    """The stored document with fresh ``parametres``, and its item count; None when none is stored."""
    rows = (
        await session.exec(
            select(DocumentEntry)
            .where(*_scope(uai, year, kind))
            .order_by(col(DocumentEntry.section), col(DocumentEntry.position))
        )
    ).all()
    header = next((row.item for row in rows if row.section == _HEADER), None)
    if header is None:
        return None
    donnees_type = typing.get_type_hints(document_type)["donnees"]
    sections: dict[str, list[Any]] = {}
    for row in rows:
        if row.section != _HEADER:
            sections.setdefault(row.section, []).append(row.item)
    values = _donnees_values(donnees_type, header, sections)
    donnees = from_data(donnees_type, values)
    count = sum(len(items) for items in sections.values())
    return document_type(version=header["version"], parametres=parametres, donnees=donnees), count  # type: ignore[call-arg]


def _donnees_values(
    donnees_type: Any, header: dict[str, Any], sections: dict[str, list[Any]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(donnees_type):
        if header.get(f"{field.name}:present"):
            values[field.name] = sections.get(field.name, [])
        else:
            values[field.name] = header.get(field.name)
    return values


def _scope(uai: str, year: int, kind: str) -> list[Any]:
    return [DocumentEntry.uai == uai, DocumentEntry.year == year, DocumentEntry.kind == kind]
