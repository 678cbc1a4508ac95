"""The bus contract of diagnostics and data-quality reports, asked by supervision of ``bee`` and ``sts``.

Request/reply on core NATS (subjects in :mod:`services.common.subjects`), JSON both ways:

=================================  ==========================  =========================
subject                            request                     answer
=================================  ==========================  =========================
``bee.quality.report``             :class:`QualityRequest`     :class:`QualityReport`
``bee.diagnosis.group``            :class:`GroupQuestion`      :class:`BeeGroupAnswer`
``sts.diagnosis.group``            :class:`GroupQuestion`      :class:`StsGroupAnswer`
=================================  ==========================  =========================

Served and asked with :mod:`services.common.bus.rpc` (a worker's domain error comes back to the asker
as the same :class:`~services.common.errors.DomainError`), in the service's queue group.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime

from pydantic import Field

from services.common.contracts import Contract

log = logging.getLogger(__name__)


class QualityRequest(Contract):
    uai: str
    year: int


class IncompleteStudent(Contract):
    """A student record missing what the académie guides require (INE, birth date, division...)."""

    student_id: str
    last_name: str
    first_name: str
    division: str | None = None
    missing: list[str]  # field names as users know them: "INE", "date de naissance", "division"...


class DuplicateGuardians(Contract):
    """Guardian records that are likely one person entered twice (typically once per sibling)."""

    last_name: str
    first_name: str
    guardian_ids: list[str]
    students: list[str]  # the children each record is attached to, "NOM Prénom"
    reason: str  # why they look alike, in French: "même nom, prénom et adresse"


class QualityReport(Contract):
    uai: str
    year: int
    generated_at: datetime
    students_total: int
    guardians_total: int
    incomplete_students: list[IncompleteStudent] = Field(default_factory=list)
    duplicate_guardians: list[DuplicateGuardians] = Field(default_factory=list)


class GroupQuestion(Contract):
    """ "A teacher does not see a group": which group (code as in STS), and optionally which teacher
    (a name, or the STS ``ID`` of the individu)."""

    uai: str
    year: int
    group_code: str
    teacher: str | None = None


class TeacherService(Contract):
    teacher_id: str
    name: str
    subject: str | None = None


class StsGroupAnswer(Contract):
    group_found: bool
    kind: str | None = None  # "division" or "groupe"
    label: str | None = None
    divisions: list[str] = Field(default_factory=list)  # the divisions a group is made of
    services: list[TeacherService] = Field(default_factory=list)  # who teaches it
    teacher_found: bool | None = None  # None when no teacher was asked about
    teacher_has_service: bool | None = None


class BeeGroupAnswer(Contract):
    group_found: bool
    students_linked: int = 0  # students attached to the group in BEE
    students_expected: int | None = None  # students of the group's divisions, when BEE knows them
    last_links_update: datetime | None = None


def fold_name(*parts: str) -> str:
    """Compare names as people type them: no accents, case, hyphens or double spaces."""
    text = unicodedata.normalize("NFKD", " ".join(parts))
    plain = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("-", " ")
    return " ".join(plain.split())
