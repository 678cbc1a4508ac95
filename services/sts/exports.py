"""The export STS serves: ``emploi-du-temps``, the STS_EDT file for timetable software.

``sts_emp_<UAI>_<year>.xml`` as STS-WEB writes it (see :mod:`services.common.formats.sts_edt`), or zipped
as ``sts_emp_<UAI>_<year>.zip`` on request. Records that are not in the declarative binding (teachers,
alternations, divisions and groups with their services) are built by the codec's own tree builder, one
record at a time, so the streamed file is the one :func:`~services.common.formats.sts_edt.write_sts_edt`
would write.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from lxml import etree
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import Conflict
from services.common.exports import ExportRequest
from services.common.formats.sts_edt import AnneeScolaire, StsEdt, Uaj, sts_emp_filename
from services.common.formats.sts_edt_xml import ROOT, build_tree
from services.common.formats.writing import write_record
from services.common.formats.xmlwrite import node, sub_date
from services.common.pull.cursors import CursorSigner
from services.common.pull.exporting import Exporter, ExportFlow
from services.common.pull.flows import RecordFlow
from services.common.pull.journal import Scope
from services.common.pull.layout import ElementBuilder, Header, Layout, Section
from services.common.records import to_data
from services.sts import service, tables

# The codec builds whole files; a one-record file around a record gives that record's element. The
# scaffold's own header is thrown away (any valid UAI does).
_SCAFFOLD_UAI = "0310053P"


def _built(field: str, path: str) -> ElementBuilder:
    def build(record: Any) -> etree._Element:
        scaffold = StsEdt(uaj=Uaj(code=_SCAFFOLD_UAI), annee_scolaire=AnneeScolaire(annee=2000))
        setattr(scaffold, field, [record])
        found = build_tree(scaffold).find(path)
        assert found is not None
        return found

    return build


def _section(
    source: Any, xml_path: tuple[str, ...], json_path: tuple[str, ...], build: Any = None
) -> Section:
    return Section(source, xml_path, json_path, build=build, keep_empty=False)


_NOMENCLATURES = tuple(
    _section(table, ("NOMENCLATURES", container), ("nomenclatures", container.lower()))
    for table, container in (
        (tables.MATIERES, "MATIERES"),
        (tables.MEFS, "MEFS"),
        (tables.CIVILITES, "CIVILITES"),
        (tables.PROGRAMMES, "PROGRAMMES"),
    )
)
STS_EDT = Layout(
    ROOT,
    (
        *_NOMENCLATURES,
        _section(
            tables.INDIVIDUS,
            ("DONNEES", "INDIVIDUS"),
            ("individus",),
            _built("individus", "DONNEES/INDIVIDUS/INDIVIDU"),
        ),
        _section(
            tables.SUPPLEANTS,
            ("DONNEES", "SUPPLEANTS"),
            ("suppleants",),
            _built("suppleants", "DONNEES/SUPPLEANTS/SUPPLEANT"),
        ),
        _section(
            tables.ALTERNANCES,
            ("DONNEES", "ALTERNANCES"),
            ("alternances",),
            _built("alternances", "DONNEES/ALTERNANCES/ALTERNANCE"),
        ),
        _section(
            tables.WithServices(tables.DIVISIONS, "D"),
            ("DONNEES", "STRUCTURE", "DIVISIONS"),
            ("divisions",),
            _built("divisions", "DONNEES/STRUCTURE/DIVISIONS/DIVISION"),
        ),
        _section(
            tables.WithServices(tables.GROUPES, "G"),
            ("DONNEES", "STRUCTURE", "GROUPES"),
            ("groupes",),
            _built("groupes", "DONNEES/STRUCTURE/GROUPES/GROUPE"),
        ),
    ),
)


async def _header(session: AsyncSession, scope: Scope, _now: datetime) -> Header:
    """``PARAMETRES`` (the school and year); STS has no export time stamp. Refuses an STS without profiled
    nomenclatures: a timetable cannot be matched against no subjects."""
    if not await tables.MATIERES.keys(session, scope):
        raise Conflict(
            f"Les nomenclatures de l'établissement {scope.uai} ne sont pas encore profilées dans STS-WEB "
            f"pour {scope.year}-{scope.year + 1} : l'export emploi du temps n'est pas encore possible.",
            code="nomenclatures-non-profilees",
        )
    uaj, annee = await service.parametres_for(session, scope)
    parametres = etree.Element("PARAMETRES")
    write_record(parametres, "UAJ", uaj, False)
    year = node(parametres, "ANNEE_SCOLAIRE", {"ANNEE": f"{annee.annee:04d}"})
    sub_date(year, "DATE_DEBUT", annee.date_debut, iso=True)
    sub_date(year, "DATE_FIN", annee.date_fin, iso=True)
    return Header({}, (parametres,), {"uaj": to_data(uaj), "annee_scolaire": to_data(annee)})


def _stem(request: ExportRequest) -> str:
    return sts_emp_filename(request.uai, request.year).removesuffix(".xml")


FLOWS: dict[str, ExportFlow] = {
    "emploi-du-temps": RecordFlow(
        "emploi-du-temps", lambda _r: STS_EDT, (STS_EDT,), _header, _stem, lambda r: f"{_stem(r)}.zip"
    ),
}


def sts_exporter(cursor_secret: str, retention: timedelta) -> Exporter:
    return Exporter(service.SERVICE, service.sts_journal(retention), CursorSigner(cursor_secret), FLOWS)
