"""BEE's tables (this service's database only), per school (UAI) and school year.

Records of the SIECLE files are kept one row per natural key (see :mod:`services.common.pull.store`);
student↔structure links are plain rows, as the links import writes them one by one. Every change is
journaled in ``bee_journal`` in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.import_jobs import ImportJobBase
from services.common.pull.journal import JournalEntryBase, SchoolYearBase
from services.common.pull.store import RecordRow


class SchoolYear(SchoolYearBase, table=True):
    """A school's year that BEE holds data for (exports for any other year are refused); journal head."""

    __tablename__ = "bee_school_year"


class JournalEntry(JournalEntryBase, table=True):
    __tablename__ = "bee_journal"
    __table_args__ = (
        UniqueConstraint("uai", "year", "entity", "key", name="uq_bee_journal_record"),
        Index("ix_bee_journal_age", "uai", "year", "changed_at"),
    )


class DocumentEntry(SQLModel, table=True):
    """One item of one section of a reference document kept whole (the nomenclatures: a MEF, a subject,
    a regime...; the establishment record), in file order.

    Sections are stored as JSON items rather than one table each: BEE serves them back as they came,
    and the ministry adds sections and fields from one version to the next.
    """

    __tablename__ = "bee_document_entry"
    __table_args__ = (Index("ix_bee_document_school_year", "uai", "year", "kind", "section", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    uai: str = Field(max_length=8)
    year: int
    kind: str = Field(max_length=40)
    section: str = Field(max_length=60)
    position: int
    item: Any = Field(sa_column=Column(JSON, nullable=True))


class EleveRow(RecordRow, table=True):
    """``ELEVE``: a pupil, keyed by SIECLE's ``ELEVE_ID``."""

    __tablename__ = "bee_eleve"
    eleve_id: str = Field(primary_key=True, max_length=20)


class OptionRow(RecordRow, table=True):
    """``OPTION``: the options of one pupil."""

    __tablename__ = "bee_option"
    eleve_id: str = Field(primary_key=True, max_length=20)


class BourseRow(RecordRow, table=True):
    """``BOURSE``: the grant of one pupil."""

    __tablename__ = "bee_bourse"
    eleve_id: str = Field(primary_key=True, max_length=20)


class AdresseEleveRow(RecordRow, table=True):
    """``ADRESSE`` of the Eleves file (pointed to by ``ELEVE/ADRESSE_ID``)."""

    __tablename__ = "bee_adresse_eleve"
    adresse_id: str = Field(primary_key=True, max_length=20)


class StructureLink(SQLModel, table=True):
    """A pupil in a division (``D``) or a group (``G``): one ``STRUCTURE`` of ``STRUCTURES_ELEVE``."""

    __tablename__ = "bee_lien_structure"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    eleve_id: str = Field(primary_key=True, max_length=20)
    code_structure: str = Field(primary_key=True, max_length=20)
    type_structure: str = Field(max_length=1)
    elenoet: str | None = Field(default=None, max_length=20)


class PersonneRow(RecordRow, table=True):
    """``PERSONNE``: a guardian or contact, keyed by ``PERSONNE_ID``."""

    __tablename__ = "bee_personne"
    personne_id: str = Field(primary_key=True, max_length=20)


class ResponsableEleveRow(RecordRow, table=True):
    """``RESPONSABLE_ELEVE``: a pupil ↔ person link."""

    __tablename__ = "bee_responsable_eleve"
    eleve_id: str = Field(primary_key=True, max_length=20)
    personne_id: str = Field(primary_key=True, max_length=20)


class AdresseResponsableRow(RecordRow, table=True):
    """``ADRESSE`` of the Responsables file (pointed to by ``PERSONNE/ADRESSE_ID``)."""

    __tablename__ = "bee_adresse_responsable"
    adresse_id: str = Field(primary_key=True, max_length=20)


class DivisionRow(RecordRow, table=True):
    """``DIVISION`` of the Structures file, keyed by ``CODE_STRUCTURE``."""

    __tablename__ = "bee_division"
    code_structure: str = Field(primary_key=True, max_length=20)


class GroupeRow(RecordRow, table=True):
    """``GROUPE`` of the Structures file, keyed by ``CODE_STRUCTURE``."""

    __tablename__ = "bee_groupe"
    code_structure: str = Field(primary_key=True, max_length=20)


class BeeImportJob(ImportJobBase, table=True):
    """An IMPORT_ELEVES import (see services.common.import_jobs)."""

    __tablename__ = "bee_import_job"
    __table_args__ = (Index("ix_bee_import_job_school", "uai", "year", "flow", "state"),)


class StructureFeedState(SQLModel, table=True):
    """The version of STS's divisions and groups BEE has applied for a school year (structures feed)."""

    __tablename__ = "bee_structure_feed"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    version: int = 0


class AcademieNomenclatures(SQLModel, table=True):
    """An académie's nomenclatures for a year being opened (services/common/rollover.py), whole: the
    catalogue schools profile from. Its presence puts the académie's schools' next year in rollover."""

    __tablename__ = "bee_academie_nomenclatures"

    academie: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    loaded_at: datetime = Field(sa_type=DateTime(timezone=True))
    sha256: str = Field(max_length=64)
    document: Any = Field(sa_column=Column(JSON, nullable=False))  # BeeNomenclatures in JSON form


class BeeRollover(SQLModel, table=True):
    """BEE's bascule of a school's next year: done once, with what it carried over."""

    __tablename__ = "bee_rollover"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    done_at: datetime = Field(sa_type=DateTime(timezone=True))
    counts: dict[str, int] = Field(sa_type=JSON)


MODELS: list[type[SQLModel]] = [
    SchoolYear,
    JournalEntry,
    DocumentEntry,
    EleveRow,
    OptionRow,
    BourseRow,
    AdresseEleveRow,
    StructureLink,
    PersonneRow,
    ResponsableEleveRow,
    AdresseResponsableRow,
    DivisionRow,
    GroupeRow,
    BeeImportJob,
    StructureFeedState,
    AcademieNomenclatures,
    BeeRollover,
]
