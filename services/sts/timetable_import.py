"""EDT_STS into STS, "annule et remplace": the school's services, courses and alternations, as a whole.

Each record is checked against what STS holds for the school year; a refused record is left out and
reported (the rule every flow follows, see ``docs/push-flows.md``):

- a ``DIVISION`` STS does not know: ``division-inconnue`` (with its services);
- a ``GROUPE`` whose ``DIVISION_APPARTENANCE`` STS does not know: ``division-inconnue`` (the group);
- a ``SERVICE`` whose subject the school has not profiled (``matiere-inconnue``), taught by a teacher
  who is neither an ``INDIVIDU`` nor a ``SUPPLEANT`` of the school (``enseignant-inconnu``), or given
  twice for one structure (``service-en-double``).

A group STS does not know is created: the timetable is where groups are made. Its label is its code
and its MEFs are those of its divisions [INFER: EDT_STS carries neither]. A known group takes the file's
divisions. Groups are never removed by a timetable, nor are divisions (STS owns them). EDT_STS carries
no MEF (``MEFS_APPARTENANCE`` there is [LOW] in FORMATS.md and the codec does not read it), so no MEF
reference can be wrong. Services are compared and counted one by one; the structures whose services
change are rewritten and journaled (an editor receives a division with its services).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.formats import edt_sts as edt
from services.common.formats import sts_edt_models as m
from services.common.formats.checking import Checked
from services.common.formats.sts_services import Service
from services.common.formats.zipsafe import looks_like_zip, read_zip_member
from services.common.import_report import Finding, format_entries, locate
from services.common.imports import ImportJob, Outcome
from services.common.pull.journal import ChangeSet, Journal, Scope
from services.common.pull.store import Tally
from services.common.records import from_data, to_data
from services.sts import tables
from services.sts.models import ServiceRow
from services.sts.structures_feed import note_structures

StructureKey = tuple[str, str]  # ("D" | "G", code)
ServiceKey = tuple[str, str, str, str]  # structure type, structure code, subject, teaching mode
_DIVISION = "DONNEES/STRUCTURE/DIVISIONS/DIVISION[@CODE=$code]"
_GROUPE = "DONNEES/STRUCTURE/GROUPES/GROUPE[@CODE=$code]"
_PARENT = {"D": _DIVISION, "G": _GROUPE}
_SERVICE = "/SERVICES/SERVICE[@CODE_MATIERE=$matiere and @CODE_MOD_COURS=$mode]"
_LISTED = 100  # keys listed per kind of change in the report; the counts are complete


@dataclass(frozen=True)
class Timetable:
    """An EDT_STS read record by record, with the XML it came from (to locate reference problems)."""

    checked: Checked[edt.EdtSts]
    xml: bytes
    filename: str


def read_timetable(data: bytes) -> Timetable:
    filename = "emp_sts.xml"
    if looks_like_zip(data):
        filename, data = read_zip_member(data, filename="emp_sts.zip")
    return Timetable(edt.check_edt_sts(data, filename=filename), data, filename)


@dataclass
class _References:
    teachers: set[str]
    subjects: set[str]
    divisions: dict[str, m.Division]
    groupes: dict[str, m.Groupe]


@dataclass
class _Plan:
    services: dict[StructureKey, list[Service]] = field(default_factory=dict)
    groupes: list[m.Groupe] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    valid: int = 0


async def import_timetable(
    session: AsyncSession, journal: Journal, job: ImportJob, timetable: Timetable
) -> Outcome:
    scope = Scope(job.uai, job.year)
    model = timetable.checked.model
    plan = _plan(model, await _references(session, scope))
    async with journal.recording(session, scope) as changes:
        groupes = await tables.GROUPES.put(session, scope, plan.groupes, changes)
        alternances = await tables.ALTERNANCES.replace(session, scope, model.alternances, changes)
        before = await _all_services(session, scope)
        diff = await _replace_services(session, scope, before, plan.services, changes)
    await note_structures(session, scope)
    report = format_entries(timetable.checked.problems)
    report += locate(timetable.xml, timetable.filename, plan.findings)
    counts = _counts(diff, groupes, alternances, plan, len(report))
    return Outcome(
        counts=counts,
        report=report,
        valid_records=plan.valid,
        guarded_before=len(before),
        guarded_removed=len(diff["removed"]),
        guarded_label="services",
        changes={"SERVICE": {kind: [" ".join(key) for key in keys[:_LISTED]] for kind, keys in diff.items()}},
    )


async def _references(session: AsyncSession, scope: Scope) -> _References:
    teachers = {key[0] for key in await tables.INDIVIDUS.keys(session, scope)}
    teachers |= {key[0] for key in await tables.SUPPLEANTS.keys(session, scope)}
    divisions = {
        k[0]: from_data(m.Division, d) for k, d in (await tables.DIVISIONS.existing(session, scope)).items()
    }
    groupes = {
        k[0]: from_data(m.Groupe, d) for k, d in (await tables.GROUPES.existing(session, scope)).items()
    }
    subjects = {key[0] for key in await tables.MATIERES.keys(session, scope)}
    return _References(teachers, subjects, divisions, groupes)


def _plan(model: edt.EdtSts, refs: _References) -> _Plan:
    plan = _Plan()
    for division in model.divisions:
        if division.code not in refs.divisions:
            detail = f"La division « {division.code} » n'existe pas dans STS pour cet établissement."
            plan.findings.append(_unknown_division(detail, _DIVISION, division.code))
            continue
        plan.valid += 1
        plan.services[("D", division.code)] = _services(("D", division.code), division.services, refs, plan)
    for groupe in model.groupes:
        unknown = ", ".join(code for code in groupe.divisions if code not in refs.divisions)
        if unknown:
            detail = f"Le groupe « {groupe.code} » est rattaché à une division inconnue de STS : {unknown}."
            plan.findings.append(_unknown_division(detail, _GROUPE, groupe.code))
            continue
        plan.valid += 1
        plan.groupes.append(_groupe_record(groupe, refs))
        plan.services[("G", groupe.code)] = _services(("G", groupe.code), groupe.services, refs, plan)
    return plan


def _unknown_division(detail: str, xpath: str, code: str) -> Finding:
    return Finding("division-inconnue", "Division inconnue de STS.", detail, xpath, {"code": code})


def _services(
    structure: StructureKey, services: Iterable[Service], refs: _References, plan: _Plan
) -> list[Service]:
    kept: dict[tuple[str, str], Service] = {}
    for service in services:
        problem = _service_problem(service, refs, kept)
        if problem is None:
            kept[(service.code_matiere, service.code_mod_cours)] = service
            continue
        code, title, detail = problem
        variables = {"code": structure[1], "matiere": service.code_matiere, "mode": service.code_mod_cours}
        plan.findings.append(Finding(code, title, detail, _PARENT[structure[0]] + _SERVICE, variables))
    return list(kept.values())


def _service_problem(
    service: Service, refs: _References, kept: Mapping[tuple[str, str], Service]
) -> tuple[str, str, str] | None:
    if service.code_matiere not in refs.subjects:
        detail = f"La matière « {service.code_matiere} » n'est pas dans les nomenclatures de l'établissement."
        return "matiere-inconnue", "Matière inconnue de STS.", detail
    unknown = [e.individu_id for e in service.enseignants if e.individu_id not in refs.teachers]
    if unknown:
        detail = f"Enseignant(s) inconnu(s) de STS pour cet établissement : {', '.join(unknown)}."
        return "enseignant-inconnu", "Enseignant inconnu de STS.", detail
    if (service.code_matiere, service.code_mod_cours) in kept:
        detail = f"Le service {service.code_matiere} / {service.code_mod_cours} est donné deux fois."
        return "service-en-double", "Service en double.", detail
    return None


def _groupe_record(groupe: edt.Groupe, refs: _References) -> m.Groupe:
    known = refs.groupes.get(groupe.code)
    if known is None:
        mefs = {mef.code: mef for code in groupe.divisions for mef in refs.divisions[code].mefs}
        known = m.Groupe(
            code=groupe.code, libelle_long=groupe.code, mefs=[m.MefAppartenance(code=c) for c in sorted(mefs)]
        )
    previous = {d.code: d for d in known.divisions}
    codes = groupe.divisions or list(previous)  # a file that names no division keeps the group's own
    divisions = [previous.get(code) or m.DivisionAppartenance(code=code) for code in codes]
    return m.Groupe(
        code=known.code,
        libelle_long=known.libelle_long,
        effectif_prevu=known.effectif_prevu,
        divisions=divisions,
        mefs=known.mefs,
    )


async def _all_services(session: AsyncSession, scope: Scope) -> dict[ServiceKey, Any]:
    found: dict[ServiceKey, Any] = {}
    for structure_type, table in tables.STRUCTURE_TYPES.items():
        codes = [key[0] for key in await table.keys(session, scope)]
        for code, services in (await tables.services_of(session, scope, structure_type, codes)).items():
            for data in services:
                found[(structure_type, code, data["code_matiere"], data["code_mod_cours"])] = data
    return found


async def _replace_services(
    session: AsyncSession,
    scope: Scope,
    before: Mapping[ServiceKey, Any],
    wanted: Mapping[StructureKey, Sequence[Service]],
    changes: ChangeSet,
) -> dict[str, list[ServiceKey]]:
    """Every structure's services become the file's (none for a structure the file leaves out). Done in
    bulk, as ``tables.set_services`` does one structure: clear, insert, journal the structure."""
    after = {
        (kind, code, s.code_matiere, s.code_mod_cours): to_data(s)
        for (kind, code), services in wanted.items()
        for s in services
    }
    diff = {
        "added": sorted(key for key in after if key not in before),
        "changed": sorted(key for key in after if key in before and before[key] != after[key]),
        "removed": sorted(key for key in before if key not in after),
    }
    touched = sorted({key[:2] for keys in diff.values() for key in keys})
    for kind in tables.STRUCTURE_TYPES:
        await tables.clear_services(session, scope, kind, [code for k, code in touched if k == kind])
    rewritten = set(touched)
    rows = [_row(scope, key, data) for key, data in sorted(after.items()) if key[:2] in rewritten]
    for start in range(0, len(rows), 500):
        await session.exec(insert(ServiceRow), params=rows[start : start + 500])
    for kind, code in touched:
        changes.upsert(tables.STRUCTURE_TYPES[kind].entity, (code,))
    return diff


def _row(scope: Scope, key: ServiceKey, data: Any) -> dict[str, Any]:
    kind, code, matiere, mode = key
    return {
        "uai": scope.uai,
        "year": scope.year,
        "structure_type": kind,
        "structure_code": code,
        "code_matiere": matiere,
        "code_mod_cours": mode,
        "record": data,
    }


def _counts(
    diff: Mapping[str, list[ServiceKey]], groupes: Tally, alternances: Tally, plan: _Plan, rejected: int
) -> dict[str, int]:
    services = Tally(len(diff["added"]), len(diff["changed"]), len(diff["removed"]))
    total = services + groupes + alternances
    counts = {"added": total.added, "changed": total.changed, "removed": total.removed, "rejected": rejected}
    for name, tally in (("SERVICE", services), ("GROUPE", groupes), ("ALTERNANCE", alternances)):
        counts |= {
            f"{name}.added": tally.added,
            f"{name}.changed": tally.changed,
            f"{name}.removed": tally.removed,
        }
    counts["COURS"] = sum(
        len(e.cours) for services in plan.services.values() for s in services for e in s.enseignants
    )
    return counts
