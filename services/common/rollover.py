"""School-year rollover (bascule): the state machine of a school's next year, its errors and messages.

Every spring the académie opens year N+1 while schools still live year N. For one school and N+1 the
steps run in this order, each owned by the service that holds the data::

    non-commencee ──(académie: chargement-nomenclatures, BEE)──▶ nomenclatures-chargees
        ──(établissement: profilage, STS)──▶ profilee
        ──(établissement: bascule-sts, STS)──▶ bascule-sts-faite   ← STS flows of N+1 open
        ──(académie: bascule-bee, BEE)──▶ bascule-bee-faite        ← BEE flows of N+1 open

No service holds the whole state: BEE knows the académie's nomenclatures and its own bascule, STS the
profile and its bascule. Each answers its facts (:class:`BeeFacts`, :class:`StsFacts`) and
:func:`rollover_status` folds them into the state and the missing step. A step attempted out of order
raises a :class:`~services.common.errors.Conflict` with a stable code (:func:`missing_step_error`) and
changes nothing. Bus subjects are in :mod:`services.common.subjects`, the client in
:mod:`services.common.rollover_bus`, the steps in ``services/sts/rollover.py`` and
``services/bee/rollover.py``; see ``docs/rollover.md``.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field

from services.common.contracts import Contract, RolloverDetails
from services.common.errors import Conflict, DomainError, NotFound
from services.common.events import Direction, SyncEvent, SyncState
from services.common.ids import new_sync_id


class RolloverState(enum.StrEnum):
    NON_COMMENCEE = "non-commencee"
    NOMENCLATURES_CHARGEES = "nomenclatures-chargees"
    PROFILEE = "profilee"
    BASCULE_STS_FAITE = "bascule-sts-faite"
    BASCULE_BEE_FAITE = "bascule-bee-faite"

    @property
    def rank(self) -> int:
        return list(RolloverState).index(self)


class Step(enum.StrEnum):
    """The operator actions, in order; also the ``flow`` of the sync event each attempt emits."""

    CHARGEMENT_NOMENCLATURES = "chargement-nomenclatures"
    PROFILAGE = "profilage"
    BASCULE_STS = "bascule-sts"
    BASCULE_BEE = "bascule-bee"


# What each service's flows of N+1 need, and who does each step (in the reasons editors read).
OPEN_FOR = {"sts": RolloverState.BASCULE_STS_FAITE, "bee": RolloverState.BASCULE_BEE_FAITE}
_WHO = {
    Step.CHARGEMENT_NOMENCLATURES: "le chargement des nomenclatures de l'année par l'académie",
    Step.PROFILAGE: "le profilage des nomenclatures (MEF et matières) par l'établissement",
    Step.BASCULE_STS: "la bascule STS-WEB de l'établissement",
    Step.BASCULE_BEE: "la bascule BEE, faite par l'académie après celle de STS-WEB",
}
_CODES = {
    Step.CHARGEMENT_NOMENCLATURES: "nomenclatures-non-chargees",
    Step.PROFILAGE: "nomenclatures-non-profilees",
    Step.BASCULE_STS: "bascule-sts-requise",
    Step.BASCULE_BEE: "bascule-bee-requise",
}


def school_year(year: int) -> str:
    return f"{year}-{year + 1}"


def missing_step_error(step: Step, uai: str, year: int, *, detail: str | None = None) -> Conflict:
    """The refusal of anything that needs ``step`` done first (stable code per step)."""
    return Conflict(
        f"L'année {school_year(year)} n'est pas encore ouverte pour l'établissement {uai} : "
        f"il faut d'abord {_WHO[step]}.",
        code=_CODES[step],
        detail=detail,
        etape_manquante=step.value,
    )


def already_done(step: Step, uai: str, year: int, consequence: str = "elle ne se refait pas") -> Conflict:
    return Conflict(
        f"Étape « {step.value} » déjà faite pour l'établissement {uai} et l'année {school_year(year)} : "
        f"{consequence}.",
        code="bascule-deja-faite",
        etape=step.value,
    )


def previous_year_unknown(service: str, uai: str, year: int) -> NotFound:
    return NotFound(
        f"{service.upper()} ne détient pas l'année {school_year(year - 1)} de l'établissement {uai} : "
        f"il n'y a rien à reconduire en {school_year(year)}.",
        code="annee-precedente-inconnue",
    )


def year_not_open(service: str, uai: str, year: int) -> Conflict:
    """A flow of a next year that the service does not hold yet (it cannot tell which step is missing;
    ``GET …/flux`` names it)."""
    return Conflict(
        f"L'année {school_year(year)} n'est pas encore ouverte dans {service.upper()} pour "
        f"l'établissement {uai} : sa bascule n'est pas faite.",
        code="annee-non-ouverte",
    )


# --- what each service knows --------------------------------------------------------------------------
class RolloverQuery(Contract):
    uai: str
    year: int


class StsFacts(Contract):
    """STS's side of (uai, year): the profile and its bascule (answer of ``sts.rollover.status``)."""

    uai: str
    year: int
    annee_precedente: bool  # STS holds year - 1 for the school
    profilee: bool = False
    bascule_faite: bool = False
    groupes: bool = False  # the bascule copied the groups too
    mefs: list[str] = Field(default_factory=list)
    matieres: list[str] = Field(default_factory=list)


class BeeFacts(Contract):
    """BEE's side of (uai, year): the académie's nomenclatures and BEE's bascule (``bee.rollover.status``)."""

    uai: str
    year: int
    academie: str | None
    annee_precedente: bool
    nomenclatures_chargees: bool = False
    bascule_faite: bool = False


class RolloverStatus(Contract):
    """Where a school's year stands: ``en_bascule`` is false for a year loaded as is (the current one)."""

    uai: str
    annee: int
    en_bascule: bool
    etat: RolloverState
    etape_manquante: Step | None = None


def rollover_status(bee: BeeFacts, sts: StsFacts) -> RolloverStatus:
    state = _state(bee, sts)
    steps = list(Step)
    missing = None if state is RolloverState.BASCULE_BEE_FAITE else steps[state.rank]
    involved = bee.annee_precedente or sts.annee_precedente or state is not RolloverState.NON_COMMENCEE
    return RolloverStatus(
        uai=bee.uai, annee=bee.year, en_bascule=involved, etat=state, etape_manquante=missing
    )


def _state(bee: BeeFacts, sts: StsFacts) -> RolloverState:
    if bee.bascule_faite:
        return RolloverState.BASCULE_BEE_FAITE
    if sts.bascule_faite:
        return RolloverState.BASCULE_STS_FAITE
    if sts.profilee:
        return RolloverState.PROFILEE
    if bee.nomenclatures_chargees:
        return RolloverState.NOMENCLATURES_CHARGEES
    return RolloverState.NON_COMMENCEE


def flow_blocker(status: RolloverStatus, service: str) -> str | None:
    """Why a flow owned by ``service`` cannot run for this year yet (French), or None."""
    if not status.en_bascule or status.etat.rank >= OPEN_FOR[service].rank:
        return None
    assert status.etape_manquante is not None
    return missing_step_error(status.etape_manquante, status.uai, status.annee).title


# --- commands and their outcomes ----------------------------------------------------------------------
class LoadNomenclatures(Contract):
    """``bee.rollover.nomenclatures``: the académie's Nomenclature.xml for ``year``, put in the
    ``ROLLOVER_FILES`` object store under ``object_name`` (it may pass NATS's message cap)."""

    academie: str
    year: int
    object_name: str


class Profile(Contract):
    """``sts.rollover.profile``: the MEFs and subjects the school will use; ``reconduire`` adds those of
    the year before."""

    uai: str
    year: int
    mefs: list[str] = Field(default_factory=list)
    matieres: list[str] = Field(default_factory=list)
    reconduire: bool = False


class CatalogueRequest(Contract):
    """``bee.rollover.catalogue``: STS asks BEE for the académie's records of a profile."""

    uai: str
    year: int
    mefs: list[str]
    matieres: list[str]


class Catalogue(Contract):
    """The profiled nomenclatures as STS_EDT holds them (``sts_edt_models`` records in JSON form)."""

    matieres: list[dict[str, Any]]
    mefs: list[dict[str, Any]]
    civilites: list[dict[str, Any]]
    programmes: list[dict[str, Any]]


class StsBascule(Contract):
    """``sts.rollover.bascule``: divisions always, groups only when asked (as the académie guides
    recommend: groups are rebuilt each year by the timetable)."""

    uai: str
    year: int
    groupes: bool = False


class BeeBascule(Contract):
    """``bee.rollover.bascule``: every school of the académie, or one school (``uai``)."""

    year: int
    academie: str | None = None
    uai: str | None = None


class StepOutcome(Contract):
    """One step for one school (or académie): done, or refused with the reason."""

    etape: Step
    uai: str | None = None
    annee: int
    faite: bool
    code: str | None = None
    message: str
    compteurs: dict[str, int] = Field(default_factory=dict)
    statut: int = 200  # the refusal's HTTP status (409 out of order, 503 a service did not answer...)
    sync_id: str = Field(default_factory=new_sync_id)

    @classmethod
    def refused(cls, step: Step, uai: str | None, year: int, error: DomainError) -> StepOutcome:
        return cls(
            etape=step,
            uai=uai,
            annee=year,
            faite=False,
            code=error.code,
            message=error.title,
            statut=error.status,
        )

    def event(self, details: RolloverDetails | None = None) -> SyncEvent:
        """The sync event supervision shows for this attempt."""
        return SyncEvent(
            sync_id=self.sync_id,
            state=self._state(),
            uai=self.uai,
            year=self.annee,
            flow=self.etape.value,
            direction=Direction.NONE,
            problem_code=self.code,
            message=self.message,
            counts=self.compteurs,
            details=details,
        )

    def _state(self) -> SyncState:
        if self.faite:
            return SyncState.APPLIED
        return SyncState.FAILED if self.statut >= 500 else SyncState.REFUSED


class BeeBasculeReport(Contract):
    """The académie's bascule: which schools were done, which were refused and why."""

    annee: int
    academie: str | None
    etablissements: list[StepOutcome]
