"""IMPORT_ELEVES into BEE: the school's pupil ↔ group links, replaced as a whole (as SIECLE does).

The file says, for each pupil, the groups they belong to; every group link of the school year becomes the
file's, links edited by hand included. A pupil the file does not name loses their group links; division
links (``TYPE_STRUCTURE`` ``D``) are BEE's own and never touched. Each pupil is checked (the record is the
pupil, as the codec reads it), and refused with the rule every flow follows (skipped and reported):

- ``eleve-inconnu``: no pupil of the school year has this ``ELEVE_ID``;
- ``eleve-discordant``: the pupil exists but the file's name or birth date is another person's (names are
  compared without case, accents or punctuation);
- ``groupe-inconnu``: a ``CODE_GROUPE`` that is not a group of the school year in BEE.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import tables
from services.common.formats.bee_eleves import Structure, StructuresEleve
from services.common.formats.checking import Checked
from services.common.formats.import_eleves import Eleve, ImportEleves, check_import_eleves
from services.common.formats.zipsafe import looks_like_zip, read_zip_member
from services.common.import_report import Finding, format_entries, locate
from services.common.imports import ImportJob, Outcome
from services.common.pull.journal import Journal, Scope

_ELEVE = "DONNEES/ELEVES/ELEVE[normalize-space(ELEVE_ID)=$id]"
_LISTED = 100
Data = dict[str, Any]


@dataclass(frozen=True)
class Links:
    """An IMPORT_ELEVES read pupil by pupil, with the XML it came from (to locate reference problems)."""

    checked: Checked[ImportEleves]
    xml: bytes
    filename: str


def read_links(data: bytes) -> Links:
    filename = "import_eleves.xml"
    if looks_like_zip(data):
        filename, data = read_zip_member(data, filename="import_eleves.zip")
    return Links(check_import_eleves(data, filename=filename), data, filename)


@dataclass
class _Diff:
    records: list[StructuresEleve] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    before: int = 0


async def import_links(session: AsyncSession, journal: Journal, job: ImportJob, links: Links) -> Outcome:
    scope = Scope(job.uai, job.year)
    model = links.checked.model
    pupils = await tables.ELEVES.existing(session, scope, [(e.eleve_id,) for e in model.eleves])
    groups = {key[0] for key in await tables.GROUPES.keys(session, scope)}
    wanted: dict[str, set[str]] = {}
    findings: list[Finding] = []
    for eleve in model.eleves:
        finding = _pupil_finding(eleve, pupils.get((eleve.eleve_id,)), groups)
        if finding is None:
            wanted[eleve.eleve_id] = {groupe.code_groupe for groupe in eleve.groupes}
        else:
            findings.append(finding)
    current = {data["eleve_id"]: data async for data in tables.STRUCTURES_ELEVES.stream(session, scope)}
    diff = _diff(current, wanted, pupils)
    async with journal.recording(session, scope) as changes:
        await tables.STRUCTURES_ELEVES.put(session, scope, diff.records, changes)
    report = format_entries(links.checked.problems) + locate(links.xml, links.filename, findings)
    counts = {
        "added": len(diff.added),
        "changed": 0,
        "removed": len(diff.removed),
        "rejected": len(report),
        "LIEN.added": len(diff.added),
        "LIEN.removed": len(diff.removed),
        "ELEVE.changed": len(diff.records),
    }
    return Outcome(
        counts=counts,
        report=report,
        valid_records=len(wanted),
        guarded_before=diff.before,
        guarded_removed=len(diff.removed),
        guarded_label="liens élèves-groupes",
        changes={"LIEN": {"added": diff.added[:_LISTED], "removed": diff.removed[:_LISTED]}},
    )


def _pupil_finding(eleve: Eleve, known: Data | None, groups: set[str]) -> Finding | None:
    where = {"id": eleve.eleve_id}
    if known is None:
        detail = f"Aucun élève de l'établissement n'a l'identifiant ELEVE_ID {eleve.eleve_id}."
        return Finding("eleve-inconnu", "Élève inconnu de la base élèves.", detail, _ELEVE, where)
    differs = _differences(eleve, known)
    if differs:
        detail = f"L'élève {eleve.eleve_id} ne correspond pas : {'; '.join(differs)}."
        return Finding(
            "eleve-discordant", "L'élève ne correspond pas à la base élèves.", detail, _ELEVE, where
        )
    unknown = sorted({g.code_groupe for g in eleve.groupes} - groups)
    if unknown:
        detail = f"Groupe(s) inexistant(s) dans la base élèves : {', '.join(unknown)}."
        return Finding("groupe-inconnu", "Groupe inconnu de la base élèves.", detail, _ELEVE, where)
    return None


def _differences(eleve: Eleve, known: Data) -> list[str]:
    found = []
    for label, given, expected in (
        ("nom", eleve.nom_de_famille, known.get("nom_de_famille")),
        ("prénom", eleve.prenom, known.get("prenom")),
    ):
        if _folded(given) != _folded(expected or ""):
            found.append(f"{label} « {given} » au lieu de « {expected} »")
    if eleve.date_naiss.isoformat() != known.get("date_naiss"):
        found.append(f"né(e) le {eleve.date_naiss.isoformat()} au lieu du {known.get('date_naiss')}")
    return found


def _folded(name: str) -> str:
    """Names compared as SIECLE writes them (upper case, no accent) whatever the software wrote."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(bare.upper().replace("-", " ").replace("'", " ").split())


def _diff(current: dict[str, Data], wanted: dict[str, set[str]], pupils: dict[Any, Data]) -> _Diff:
    """The pupils whose group links change, each with its whole new ``STRUCTURES_ELEVE``."""
    diff = _Diff()
    for eleve_id in sorted(set(current) | set(wanted)):
        structures = current[eleve_id]["structures"] if eleve_id in current else []
        old = {s["code_structure"] for s in structures if s["type_structure"] == "G"}
        new = wanted.get(eleve_id, set())
        diff.before += len(old)
        if old == new:
            continue
        diff.added += [f"{eleve_id} {code}" for code in sorted(new - old)]
        diff.removed += [f"{eleve_id} {code}" for code in sorted(old - new)]
        kept = [Structure(**s) for s in structures if s["type_structure"] != "G"]
        elenoet = current[eleve_id]["elenoet"] if eleve_id in current else pupils[(eleve_id,)].get("elenoet")
        groupes = [Structure(code_structure=code, type_structure="G") for code in sorted(new)]
        diff.records.append(StructuresEleve(eleve_id=eleve_id, elenoet=elenoet, structures=kept + groupes))
    return diff
