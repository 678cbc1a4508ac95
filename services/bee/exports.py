"""The exports BEE serves, by flow name: the SIECLE files as SIECLE writes them.

=================  ==========================================  =================================
flow               file                                         zip (``?format=zip``)
=================  ==========================================  =================================
``eleves``         ``ElevesAvecAdresses.xml`` (``adresses=0``:  ``ExportXML_ElevesAvecAdresses.zip``
                   ``ElevesSansAdresses.xml``)
``responsables``   ``ResponsablesAvecAdresses.xml``             ``ExportXML_ResponsablesAvecAdresses.zip``
``structures``     ``Structures.xml``                           ``ExportXML_Structures.zip``
``nomenclatures``  ``Nomenclature.xml``                         ``ExportXML_Nomenclature.zip``
``etablissement``  ``Communs.xml``                              ``ExportXML_Communs.zip``
``historique-``    ``HistoriqueEleves.xml`` [INFER: no public   ``ExportXML_HistoriqueEleves.zip``
``eleves``         SIECLE file; see formats/bee_historique.py]
=================  ==========================================  =================================

The history is derived from the pupils of every year held (:mod:`services.bee.history`): served whole,
like the documents, and asked for a delta it is whole again when a pupil or a division link changed
since the cursor (``Type-Export: complet``), else empty.

Without addresses, a pupil also loses its ``ADRESSE_ID`` and phone numbers [INFER: FORMATS.md §1.3 says
the "sans adresses" file has no address or phone details].
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lxml import etree
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import history, service, tables
from services.common.exports import ExportRequest
from services.common.formats import bee_historique
from services.common.formats.bee_commun import BeeCommun, DonneesCommun, write_bee_commun
from services.common.formats.bee_nomenclatures import (
    BeeNomenclatures,
    DonneesNomenclatures,
    write_bee_nomenclatures,
)
from services.common.formats.writing import write_record
from services.common.formats.zipsafe import siecle_zip_filename
from services.common.pull.cursors import CursorSigner
from services.common.pull.exporting import Exporter, ExportFlow
from services.common.pull.flows import DocumentFlow, RecordFlow, fixed
from services.common.pull.journal import Key, Scope
from services.common.pull.layout import Header, Layout, Section
from services.common.records import to_data

_WITHOUT_ADDRESSES = ("adresse_id", "tel_personnel", "tel_portable", "tel_professionnel")


@dataclass(frozen=True)
class _SansAdresses:
    """The pupils of an ElevesSansAdresses file: the same records, address and phones left out."""

    entity = tables.ELEVES.entity
    tag = tables.ELEVES.tag
    record_type = tables.ELEVES.record_type
    key_fields = tables.ELEVES.key_fields
    key_names = tables.ELEVES.key_names

    async def stream(
        self, session: AsyncSession, scope: Scope, keys: Collection[Key] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        async for data in tables.ELEVES.stream(session, scope, keys):
            yield {name: None if name in _WITHOUT_ADDRESSES else value for name, value in data.items()}


def _section(source: Any, container: str) -> Section:
    return Section(source, ("DONNEES", container), ("donnees", container.lower()))


def _eleves(with_addresses: bool) -> Layout:
    sections = [
        _section(tables.ELEVES if with_addresses else _SansAdresses(), "ELEVES"),
        _section(tables.OPTIONS, "OPTIONS"),
        _section(tables.STRUCTURES_ELEVES, "STRUCTURES"),
        _section(tables.BOURSES, "BOURSES"),
    ]
    if with_addresses:
        sections.append(_section(tables.ADRESSES_ELEVES, "ADRESSES"))
    return Layout("BEE_ELEVES", tuple(sections))


ELEVES_AVEC, ELEVES_SANS = _eleves(True), _eleves(False)
RESPONSABLES = Layout(
    "BEE_RESPONSABLES",
    (
        _section(tables.PERSONNES, "PERSONNES"),
        _section(tables.RESPONSABLES, "RESPONSABLES"),
        _section(tables.ADRESSES_RESPONSABLES, "ADRESSES"),
    ),
)
STRUCTURES = Layout(
    "BEE_STRUCTURES", (_section(tables.DIVISIONS, "DIVISIONS"), _section(tables.GROUPES, "GROUPES"))
)


def _header(root: str, version: str) -> Any:
    async def header(_session: AsyncSession, scope: Scope, now: datetime) -> Header:
        parametres = service.export_parametres(scope, now)
        element = write_record(etree.Element(root), "PARAMETRES", parametres, False)
        return Header(
            {"VERSION": version}, (element,), {"version": version, "parametres": to_data(parametres)}
        )

    return header


def _eleves_stem(request: ExportRequest) -> str:
    return "ElevesAvecAdresses" if request.with_addresses else "ElevesSansAdresses"


def _record_flow(name: str, layout: Layout, version: str, stem: str) -> RecordFlow:
    return RecordFlow(
        name,
        lambda _r: layout,
        (layout,),
        _header(layout.root, version),
        fixed(stem),
        fixed(siecle_zip_filename(stem)),
    )


def _empty_nomenclatures(scope: Scope, now: datetime) -> BeeNomenclatures:
    return BeeNomenclatures(
        version="2.0", parametres=service.export_parametres(scope, now), donnees=DonneesNomenclatures()
    )


def _empty_commun(scope: Scope, now: datetime) -> BeeCommun:
    return BeeCommun(version="1.7", parametres=service.export_parametres(scope, now), donnees=DonneesCommun())


async def _nomenclatures(session: AsyncSession, scope: Scope, now: datetime) -> BeeNomenclatures:
    return (await service.nomenclatures_for(session, scope, now))[0]


FLOWS: dict[str, ExportFlow] = {
    "eleves": RecordFlow(
        "eleves",
        lambda request: ELEVES_AVEC if request.with_addresses else ELEVES_SANS,
        (ELEVES_AVEC, ELEVES_SANS),
        _header("BEE_ELEVES", "2.1"),
        _eleves_stem,
        lambda request: siecle_zip_filename(_eleves_stem(request)),
    ),
    "responsables": _record_flow("responsables", RESPONSABLES, "1.9", "ResponsablesAvecAdresses"),
    "structures": _record_flow("structures", STRUCTURES, "2.0", "Structures"),
    "nomenclatures": DocumentFlow(
        "nomenclatures",
        tables.NOMENCLATURES_ENTITY,
        _nomenclatures,
        _empty_nomenclatures,
        lambda document: write_bee_nomenclatures(document, strict=False),
        fixed("Nomenclature"),
        fixed(siecle_zip_filename("Nomenclature")),
    ),
    "etablissement": DocumentFlow(
        "etablissement",
        tables.ETABLISSEMENT_ENTITY,
        service.etablissement_for,
        _empty_commun,
        lambda document: write_bee_commun(document, strict=False),
        fixed("Communs"),
        fixed(siecle_zip_filename("Communs")),
    ),
    "historique-eleves": DocumentFlow(
        "historique-eleves",
        tables.ELEVES.entity,
        history.history_for,
        history.empty_history,
        lambda document: bee_historique.write_bee_historique(document, strict=False),
        fixed(bee_historique.STEM),
        fixed(siecle_zip_filename(bee_historique.STEM)),
        also=frozenset({tables.STRUCTURES_ELEVES.entity}),
    ),
}


def bee_exporter(cursor_secret: str, retention: timedelta) -> Exporter:
    return Exporter(service.SERVICE, service.bee_journal(retention), CursorSigner(cursor_secret), FLOWS)
