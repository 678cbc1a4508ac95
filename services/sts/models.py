"""STS's tables (this service's database only), per school (UAI) and school year.

The profiled nomenclatures, teachers, alternations and structures are kept one row per natural key (see
:mod:`services.common.pull.store`); services are rows of their own, keyed by their structure, subject and
teaching mode, holding their teachers and weekly courses. Every change is journaled in ``sts_journal``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.import_jobs import ImportJobBase
from services.common.pull.journal import JournalEntryBase, SchoolYearBase
from services.common.pull.store import RecordRow


class StsSchoolYear(SchoolYearBase, table=True):
    """A school's year that STS holds structures for; journal head."""

    __tablename__ = "sts_school_year"


class JournalEntry(JournalEntryBase, table=True):
    __tablename__ = "sts_journal"
    __table_args__ = (
        UniqueConstraint("uai", "year", "entity", "key", name="uq_sts_journal_record"),
        Index("ix_sts_journal_age", "uai", "year", "changed_at"),
    )


class EtablissementRow(SQLModel, table=True):
    """``PARAMETRES`` of the STS export: the school (``UAJ``) and the year's first and last days."""

    __tablename__ = "sts_etablissement"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    uaj: dict[str, Any] = Field(sa_type=JSON)
    annee_scolaire: dict[str, Any] = Field(sa_type=JSON)


class MatiereRow(RecordRow, table=True):
    __tablename__ = "sts_matiere"
    code: str = Field(primary_key=True, max_length=20)


class MefRow(RecordRow, table=True):
    __tablename__ = "sts_mef"
    code: str = Field(primary_key=True, max_length=20)


class CiviliteRow(RecordRow, table=True):
    __tablename__ = "sts_civilite"
    code: str = Field(primary_key=True, max_length=20)


class ProgrammeRow(RecordRow, table=True):
    __tablename__ = "sts_programme"
    code_mef: str = Field(primary_key=True, max_length=20)
    code_matiere: str = Field(primary_key=True, max_length=20)


class IndividuRow(RecordRow, table=True):
    """``INDIVIDU``: a teacher, keyed by STS's ``@ID``."""

    __tablename__ = "sts_individu"
    individu_id: str = Field(primary_key=True, max_length=20)


class SuppleantRow(RecordRow, table=True):
    """``SUPPLEANT``: a substitute teacher, keyed by ``@ID``."""

    __tablename__ = "sts_suppleant"
    individu_id: str = Field(primary_key=True, max_length=20)


class AlternanceRow(RecordRow, table=True):
    __tablename__ = "sts_alternance"
    code: str = Field(primary_key=True, max_length=40)


class DivisionRow(RecordRow, table=True):
    """``DIVISION`` without its services (they are ``sts_service`` rows)."""

    __tablename__ = "sts_division"
    code: str = Field(primary_key=True, max_length=20)


class GroupeRow(RecordRow, table=True):
    """``GROUPE`` without its services."""

    __tablename__ = "sts_groupe"
    code: str = Field(primary_key=True, max_length=20)


class ServiceRow(SQLModel, table=True):
    """``SERVICE``: a subject taught in one mode to a division (``D``) or group (``G``), with its
    teachers and their courses."""

    __tablename__ = "sts_service"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    structure_type: str = Field(primary_key=True, max_length=1)
    structure_code: str = Field(primary_key=True, max_length=20)
    code_matiere: str = Field(primary_key=True, max_length=20)
    code_mod_cours: str = Field(primary_key=True, max_length=10)
    record: dict[str, Any] = Field(sa_type=JSON)


class StsImportJob(ImportJobBase, table=True):
    """An EDT_STS import (see services.common.import_jobs)."""

    __tablename__ = "sts_import_job"
    __table_args__ = (Index("ix_sts_import_job_school", "uai", "year", "flow", "state"),)


class StructureVersion(SQLModel, table=True):
    """The version of a school year's divisions and groups as bee must follow them (an outbox: what is
    above ``published`` is still to be published on STRUCTURES)."""

    __tablename__ = "sts_structure_version"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    version: int = 0
    published: int = 0
    digest: str = Field(default="", max_length=64)


class StsRollover(SQLModel, table=True):
    """A school's next year being opened (services/common/rollover.py): its profile, then its bascule.

    No row: the year is not in rollover (loaded as is, or unknown).
    """

    __tablename__ = "sts_rollover"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    state: str = Field(max_length=30)  # RolloverState: profilee, then bascule-sts-faite
    mefs: list[str] = Field(sa_type=JSON)
    matieres: list[str] = Field(sa_type=JSON)
    groupes: bool = False
    profiled_at: datetime = Field(sa_type=DateTime(timezone=True))
    bascule_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


MODELS: list[type[SQLModel]] = [
    StsSchoolYear,
    JournalEntry,
    EtablissementRow,
    MatiereRow,
    MefRow,
    CiviliteRow,
    ProgrammeRow,
    IndividuRow,
    SuppleantRow,
    AlternanceRow,
    DivisionRow,
    GroupeRow,
    ServiceRow,
    StsImportJob,
    StructureVersion,
    StsRollover,
]
