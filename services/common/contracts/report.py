"""The per-record report of an import: one entry per problem, the same model everywhere.

Built by the importing services (and the gateway, for a file refused as a whole), carried in the sync
events' :class:`~services.common.contracts.details.ImportDetails` and in
:class:`~services.common.imports.ImportStatus`, stored by supervision, answered by ``GET /v1/syncs/{id}``
and ``GET /api/syncs/{id}``, shown by the console and by ``netsynchro`` (the SDK's
``netsynchro.models.ReportEntry`` has the same fields, checked by ``tests/contracts``).
"""

from __future__ import annotations

from services.common.contracts.base import Contract


class ReportEntry(Contract):
    """One problem: stable code, French title, detail, and where in the file (path and line)."""

    code: str  # stable, kebab-case French: "division-inconnue", "ine-invalide"...
    title: str  # French, for a person
    detail: str | None = None  # French: what exactly is wrong with this record
    path: str | None = None  # positional XPath of the record: /EDT_STS/DONNEES/…/DIVISION[12]
    line: int | None = None  # line of the record in the file
    record: str | None = None  # the record as users name it: "DIVISION 3A", "ELEVE 1234"

    @property
    def where(self) -> str:
        """ "ligne 12, /EDT_STS/…" or "" when the problem is the whole file's."""
        parts = [f"ligne {self.line}" if self.line is not None else "", self.path or ""]
        return ", ".join(part for part in parts if part)
