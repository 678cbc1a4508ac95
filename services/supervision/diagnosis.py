"""The diagnosis helper: "a teacher does not see a group", answered step by step from the data.

The chain a group travels is: created in STS-WEB (or by the timetable import) → a teacher's service on
it (timetable import ``emploi-du-temps``) → the structure reaches BEE → the school-life software pushes
which students are in it (``liens-eleves-groupes``). Each link is checked in the service that owns it
(asked over the bus) and in the journal (did the last import of that flow go through?), and the first
broken link is what the supervisor tells the school to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.diagnosis import BeeGroupAnswer, GroupQuestion, StsGroupAnswer
from services.common.errors import DomainError
from services.common.events import Direction, SyncState
from services.supervision.activity import ERROR_STATES
from services.supervision.diagnosis_client import DiagnosisClient
from services.supervision.labels import state_label
from services.supervision.localtime import local_time
from services.supervision.models import SyncRecord

Verdict = Literal["ok", "probleme", "inconnu"]
TIMETABLE_IMPORT = "emploi-du-temps"
LINKS_IMPORT = "liens-eleves-groupes"


@dataclass(frozen=True)
class Check:
    label: str
    verdict: Verdict
    detail: str
    advice: str | None = None
    sync_id: str | None = None


@dataclass
class Diagnosis:
    question: GroupQuestion
    checks: list[Check] = field(default_factory=list)

    @property
    def conclusion(self) -> str:
        for check in self.checks:
            if check.verdict == "probleme" and check.advice:
                return check.advice
        if any(check.verdict == "inconnu" for check in self.checks):
            return "Une partie des vérifications n'a pas pu être faite : réessayez dans un instant."
        return (
            "Tout est en ordre côté plateforme : vérifiez dans le logiciel de vie scolaire que l'enseignant "
            "est bien affecté au groupe, puis qu'une synchronisation a eu lieu depuis."
        )


async def diagnose_group(
    session: AsyncSession, client: DiagnosisClient, question: GroupQuestion
) -> Diagnosis:
    diagnosis = Diagnosis(question)
    diagnosis.checks.extend(await _sts_checks(client, question))
    diagnosis.checks.append(await _last_import(session, question.uai, TIMETABLE_IMPORT))
    diagnosis.checks.extend(await _bee_checks(client, question))
    diagnosis.checks.append(await _last_import(session, question.uai, LINKS_IMPORT))
    return diagnosis


async def _sts_checks(client: DiagnosisClient, question: GroupQuestion) -> list[Check]:
    try:
        answer = await client.sts_group(question)
    except DomainError as error:
        return [Check("Le groupe existe dans STS-WEB", "inconnu", error.title)]
    code = question.group_code
    if not answer.group_found:
        return [
            Check(
                "Le groupe existe dans STS-WEB",
                "probleme",
                f"STS-WEB ne connaît pas « {code} » pour {question.year}.",
                "Créer le groupe dans STS-WEB (ou dans le logiciel d'emploi du temps, puis remonter "
                "l'emploi du temps), et vérifier que son code est saisi à l'identique.",
            )
        ]
    checks = [Check("Le groupe existe dans STS-WEB", "ok", _group_detail(answer, code))]
    if question.teacher is not None:
        checks.append(_teacher_check(answer, question.teacher, code))
    return checks


def _group_detail(answer: StsGroupAnswer, code: str) -> str:
    kind = answer.kind or "structure"
    divisions = f", formé de {', '.join(answer.divisions)}" if answer.divisions else ""
    teachers = ", ".join(f"{s.name} ({s.subject})" if s.subject else s.name for s in answer.services)
    return f"{kind.capitalize()} « {code} »{divisions} ; enseignants : {teachers or 'aucun'}."


def _teacher_check(answer: StsGroupAnswer, teacher: str, code: str) -> Check:
    label = "L'enseignant a un service sur ce groupe"
    if not answer.teacher_found:
        return Check(
            label,
            "probleme",
            f"Aucun enseignant « {teacher} » dans STS-WEB pour cet établissement.",
            "Vérifier l'identité de l'enseignant dans STS-WEB (nom d'usage, rattachement à l'établissement).",
        )
    if not answer.teacher_has_service:
        return Check(
            label,
            "probleme",
            f"« {teacher} » n'a aucun service sur « {code} » dans STS-WEB.",
            "Saisir le service de l'enseignant sur ce groupe dans le logiciel d'emploi du temps, puis "
            "remonter l'emploi du temps vers STS-WEB (import emploi-du-temps).",
        )
    return Check(label, "ok", f"« {teacher} » a un service sur « {code} ».")


async def _bee_checks(client: DiagnosisClient, question: GroupQuestion) -> list[Check]:
    try:
        answer = await client.bee_group(question)
    except DomainError as error:
        return [Check("Le groupe est connu de BEE", "inconnu", error.title)]
    if not answer.group_found:
        return [
            Check(
                "Le groupe est connu de BEE",
                "probleme",
                "BEE n'a pas encore reçu ce groupe de STS-WEB.",
                "Attendre la prise en compte de la dernière remontée d'emploi du temps, puis relancer "
                "l'export des structures dans le logiciel de vie scolaire.",
            )
        ]
    return [Check("Le groupe est connu de BEE", "ok", "BEE connaît le groupe."), _students_check(answer)]


def _students_check(answer: BeeGroupAnswer) -> Check:
    label = "Des élèves sont rattachés au groupe dans BEE"
    if answer.students_linked == 0:
        return Check(
            label,
            "probleme",
            "Aucun élève n'est rattaché à ce groupe dans BEE.",
            "Rattacher les élèves au groupe dans le logiciel de vie scolaire, puis remonter les liens "
            "élèves-groupes (import liens-eleves-groupes).",
        )
    expected = f" sur {answer.students_expected} attendus" if answer.students_expected is not None else ""
    return Check(label, "ok", f"{answer.students_linked} élève(s) rattaché(s){expected}.")


async def _last_import(session: AsyncSession, uai: str, flow: str) -> Check:
    label = f"Dernier import « {flow} »"
    statement = (
        select(SyncRecord)
        .where(col(SyncRecord.uai) == uai, col(SyncRecord.flow) == flow)
        .where(col(SyncRecord.direction) == Direction.IMPORT.value)
        .order_by(col(SyncRecord.started_at).desc())
        .limit(1)
    )
    last = (await session.exec(statement)).first()
    if last is None:
        return Check(label, "inconnu", "Aucun import de ce flux n'est enregistré pour cet établissement.")
    when = local_time(last.started_at, "%d/%m/%Y %H:%M")
    state = SyncState(last.state)
    shown = state_label(state.value)
    if state is SyncState.HELD:
        advice = (
            f"Le dernier import « {flow} » est retenu par la soupape de sécurité : l'approuver ou le rejeter "
            "depuis sa page, après avoir vérifié ce qu'il supprimerait."
        )
        return Check(label, "probleme", f"Le {when} : {last.message or shown}.", advice, last.sync_id)
    if state in ERROR_STATES:
        reason = last.problem_code or shown
        advice = f"Le dernier import « {flow} » n'a pas abouti ({reason}) : le corriger et le relancer."
        return Check(label, "probleme", f"Le {when} : {last.message or shown}.", advice, last.sync_id)
    return Check(label, "ok", f"Le {when} : {shown}.", sync_id=last.sync_id)
