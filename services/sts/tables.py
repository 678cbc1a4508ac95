"""STS's records by kind, and the services that hang off divisions and groups.

A service belongs to its division or group: the editor receives a ``DIVISION`` with its ``SERVICES``, so
a change to a service is journaled as a change of its structure (``emploi-du-temps/DIVISION`` or
``…/GROUPE``), and the structure is what a delta carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.formats import sts_edt_models as m
from services.common.formats.sts_services import Alternance, Service
from services.common.pull.journal import ChangeSet, Key, Scope
from services.common.pull.store import RecordTable, batches, code_order
from services.common.records import to_data
from services.sts.models import (
    AlternanceRow,
    CiviliteRow,
    DivisionRow,
    GroupeRow,
    IndividuRow,
    MatiereRow,
    MefRow,
    ProgrammeRow,
    ServiceRow,
    SuppleantRow,
)

FLOW = "emploi-du-temps"
PARAMETRES_ENTITY = f"{FLOW}/PARAMETRES"
CODE = (("code",), ("CODE",))
ID = (("individu_id",), ("ID",))

MATIERES = RecordTable(f"{FLOW}/MATIERE", "MATIERE", MatiereRow, m.Matiere, *CODE)
MEFS = RecordTable(f"{FLOW}/MEF", "MEF", MefRow, m.Mef, *CODE)
CIVILITES = RecordTable(f"{FLOW}/CIVILITE", "CIVILITE", CiviliteRow, m.Civilite, *CODE)
PROGRAMMES = RecordTable(
    f"{FLOW}/PROGRAMME",
    "PROGRAMME",
    ProgrammeRow,
    m.Programme,
    ("code_mef", "code_matiere"),
    ("CODE_MEF", "CODE_MATIERE"),
)
INDIVIDUS = RecordTable(f"{FLOW}/INDIVIDU", "INDIVIDU", IndividuRow, m.Individu, *ID)
SUPPLEANTS = RecordTable(f"{FLOW}/SUPPLEANT", "SUPPLEANT", SuppleantRow, m.Individu, *ID)
ALTERNANCES = RecordTable(f"{FLOW}/ALTERNANCE", "ALTERNANCE", AlternanceRow, Alternance, *CODE)
DIVISIONS = RecordTable(f"{FLOW}/DIVISION", "DIVISION", DivisionRow, m.Division, *CODE)
GROUPES = RecordTable(f"{FLOW}/GROUPE", "GROUPE", GroupeRow, m.Groupe, *CODE)

STRUCTURE_TYPES: dict[str, RecordTable[Any]] = {"D": DIVISIONS, "G": GROUPES}


@dataclass(frozen=True)
class WithServices:
    """The :class:`~services.common.pull.layout.Source` of divisions (or groups) with their services."""

    table: RecordTable[Any]
    structure_type: str

    @property
    def entity(self) -> str:
        return self.table.entity

    @property
    def tag(self) -> str:
        return self.table.tag

    @property
    def record_type(self) -> type[Any]:
        return self.table.record_type

    @property
    def key_fields(self) -> tuple[str, ...]:
        return self.table.key_fields

    @property
    def key_names(self) -> tuple[str, ...]:
        return self.table.key_names

    async def stream(
        self, session: AsyncSession, scope: Scope, keys: Collection[Key] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        # By batches of structures: each batch's services in one query, never the whole school's.
        codes = await self.table.keys(session, scope) if keys is None else sorted(keys)
        for batch in batches(codes):
            services = await services_of(session, scope, self.structure_type, [key[0] for key in batch])
            async for data in self.table.stream(session, scope, batch):
                yield {**data, "services": services.get(data["code"], [])}


async def services_of(
    session: AsyncSession, scope: Scope, structure_type: str, codes: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """The services of these structures (JSON form), by structure code, in subject and mode order."""
    columns = [col(ServiceRow.structure_code), col(ServiceRow.code_matiere), col(ServiceRow.code_mod_cours)]
    rows = await session.exec(
        select(ServiceRow.structure_code, ServiceRow.record)
        .where(*_of(scope, structure_type), col(ServiceRow.structure_code).in_(list(codes)))
        .order_by(*code_order(session, columns))
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for code, record in rows.all():
        found.setdefault(code, []).append(dict(record))
    return found


async def set_services(
    session: AsyncSession,
    scope: Scope,
    structure_type: str,
    code: str,
    services: Sequence[Service],
    changes: ChangeSet,
) -> bool:
    """Make the structure's services exactly ``services``; journals the structure when they change."""
    ordered = sorted(services, key=lambda service: (service.code_matiere, service.code_mod_cours))
    wanted = [to_data(service) for service in ordered]
    if (await services_of(session, scope, structure_type, [code])).get(code, []) == wanted:
        return False
    await clear_services(session, scope, structure_type, [code])
    rows = [
        {
            "uai": scope.uai,
            "year": scope.year,
            "structure_type": structure_type,
            "structure_code": code,
            "code_matiere": service.code_matiere,
            "code_mod_cours": service.code_mod_cours,
            "record": data,
        }
        for service, data in zip(ordered, wanted, strict=True)
    ]
    if rows:
        await session.exec(insert(ServiceRow), params=rows)
    changes.upsert(STRUCTURE_TYPES[structure_type].entity, (code,))
    return True


async def clear_services(
    session: AsyncSession, scope: Scope, structure_type: str, codes: Sequence[str]
) -> None:
    for start in range(0, len(codes), 500):
        batch = list(codes[start : start + 500])
        await session.exec(
            delete(ServiceRow).where(*_of(scope, structure_type), col(ServiceRow.structure_code).in_(batch))
        )


def _of(scope: Scope, structure_type: str) -> tuple[Any, ...]:
    return (
        col(ServiceRow.uai) == scope.uai,
        col(ServiceRow.year) == scope.year,
        col(ServiceRow.structure_type) == structure_type,
    )
