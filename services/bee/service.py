"""BEE's domain: the school years it holds and loading whole SIECLE files. Imports neither FastAPI nor nats.

Every write goes through a :class:`~services.common.pull.journal.Journal` unit of work
(``journal.recording``), so the change journal is fed in the same transaction; loading a file again
journals only what differs. Record-level changes (one pupil, one link, one group) are in
:mod:`services.bee.pupils`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import tables
from services.bee.documents import load_document, store_document
from services.bee.models import JournalEntry, SchoolYear
from services.common.errors import InvalidInput, NotFound
from services.common.formats.bee_commun import BeeCommun
from services.common.formats.bee_eleves import BeeEleves
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.formats.bee_responsables import BeeResponsables
from services.common.formats.bee_structures import BeeStructures
from services.common.formats.common import Parametres
from services.common.pull.journal import Journal, Scope
from services.common.pull.store import Tally
from services.common.records import to_data

SERVICE = "bee"
NOMENCLATURES = "nomenclatures"
ETABLISSEMENT = "etablissement"
DOCUMENT_ENTITIES = {NOMENCLATURES: tables.NOMENCLATURES_ENTITY, ETABLISSEMENT: tables.ETABLISSEMENT_ENTITY}


def bee_journal(retention: timedelta) -> Journal:
    return Journal(entries=JournalEntry, heads=SchoolYear, retention=retention)


async def load_eleves(session: AsyncSession, journal: Journal, scope: Scope, document: BeeEleves) -> Tally:
    """Make the school year's pupils those of an Eleves file; a "sans adresses" file keeps the addresses."""
    donnees = document.donnees
    async with journal.recording(session, scope) as changes:
        tally = await tables.ELEVES.replace(session, scope, donnees.eleves or [], changes)
        tally += await tables.OPTIONS.replace(session, scope, donnees.options or [], changes)
        tally += await tables.BOURSES.replace(session, scope, donnees.bourses or [], changes)
        tally += await tables.STRUCTURES_ELEVES.replace(session, scope, donnees.structures or [], changes)
        if donnees.adresses is not None:
            tally += await tables.ADRESSES_ELEVES.replace(session, scope, donnees.adresses, changes)
    return tally


async def load_responsables(
    session: AsyncSession, journal: Journal, scope: Scope, document: BeeResponsables
) -> Tally:
    donnees = document.donnees
    async with journal.recording(session, scope) as changes:
        tally = await tables.PERSONNES.replace(session, scope, donnees.personnes or [], changes)
        tally += await tables.RESPONSABLES.replace(session, scope, donnees.responsables or [], changes)
        tally += await tables.ADRESSES_RESPONSABLES.replace(session, scope, donnees.adresses or [], changes)
    return tally


async def load_structures(
    session: AsyncSession, journal: Journal, scope: Scope, document: BeeStructures
) -> Tally:
    donnees = document.donnees
    async with journal.recording(session, scope) as changes:
        tally = await tables.DIVISIONS.replace(session, scope, donnees.divisions or [], changes)
        tally += await tables.GROUPES.replace(session, scope, donnees.groupes or [], changes)
    return tally


async def replace_nomenclatures(
    session: AsyncSession, journal: Journal, scope: Scope, document: BeeNomenclatures
) -> Tally:
    """Store the school's nomenclatures whole (nothing is written nor journaled when unchanged)."""
    return await _replace_document(session, journal, scope, NOMENCLATURES, document)


async def replace_etablissement(
    session: AsyncSession, journal: Journal, scope: Scope, document: BeeCommun
) -> Tally:
    return await _replace_document(session, journal, scope, ETABLISSEMENT, document)


async def _replace_document(
    session: AsyncSession, journal: Journal, scope: Scope, kind: str, document: BeeNomenclatures | BeeCommun
) -> Tally:
    stored = await load_document(session, scope.uai, scope.year, kind, type(document), document.parametres)
    if stored is not None and (stored[0].version, to_data(stored[0].donnees)) == (
        document.version,
        to_data(document.donnees),
    ):
        return Tally()
    async with journal.recording(session, scope) as changes:
        await store_document(session, scope.uai, scope.year, kind, document)
        changes.upsert(DOCUMENT_ENTITIES[kind], ())
    return Tally(added=1) if stored is None else Tally(changed=1)


async def nomenclatures_for(
    session: AsyncSession, scope: Scope, now: datetime
) -> tuple[BeeNomenclatures, int]:
    """The school's nomenclatures, headed as an export made ``now``."""
    found = await load_document(
        session, scope.uai, scope.year, NOMENCLATURES, BeeNomenclatures, export_parametres(scope, now)
    )
    if found is None:
        raise NotFound(
            f"Les nomenclatures {scope.year} de l'établissement {scope.uai} ne sont pas encore chargées.",
            code="nomenclatures-absentes",
        )
    return found


async def etablissement_for(session: AsyncSession, scope: Scope, now: datetime) -> BeeCommun:
    found = await load_document(
        session, scope.uai, scope.year, ETABLISSEMENT, BeeCommun, export_parametres(scope, now)
    )
    if found is None:
        raise NotFound(
            f"La fiche de l'établissement {scope.uai} pour {scope.year} n'est pas encore chargée.",
            code="etablissement-absent",
        )
    return found[0]


def export_parametres(scope: Scope, now: datetime | None = None) -> Parametres:
    """``PARAMETRES`` of a file exported ``now`` (French local time is what SIECLE writes; UTC here)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return Parametres(uaj=scope.uai, annee_scolaire=scope.year, date_export=moment.date(), horodatage=moment)


async def load_files(
    session: AsyncSession, journal: Journal, scope: Scope, documents: Iterable[object]
) -> Tally:
    """Load SIECLE files of any kind (as read by their codecs), each through its own loader."""
    tally = Tally()
    for document in documents:
        if isinstance(document, BeeEleves):
            tally += await load_eleves(session, journal, scope, document)
        elif isinstance(document, BeeResponsables):
            tally += await load_responsables(session, journal, scope, document)
        elif isinstance(document, BeeStructures):
            tally += await load_structures(session, journal, scope, document)
        elif isinstance(document, BeeNomenclatures):
            tally += await replace_nomenclatures(session, journal, scope, document)
        elif isinstance(document, BeeCommun):
            tally += await replace_etablissement(session, journal, scope, document)
        else:
            raise InvalidInput(
                f"BEE ne charge pas les fichiers {type(document).__name__}.", code="fichier-inattendu"
            )
    return tally
