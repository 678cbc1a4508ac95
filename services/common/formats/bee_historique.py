"""The pupils' schooling history (flow ``historique-eleves``): each pupil's years as the platform holds them.

SIECLE has no public history file (FORMATS.md §1.10): the history it ships is ``ELEVE/SCOLARITE_AN_DERNIER``
inside BEE_ELEVES, which this file carries unchanged in shape for the previous year. The rest is our own,
**[INFER]** and easy to change here: the root ``BEE_HISTORIQUE_ELEVES`` (VERSION 1.0), the file name
``HistoriqueEleves.xml`` and its zip ``ExportXML_HistoriqueEleves.zip``, and ``SCOLARITES/SCOLARITE
@ANNEE_SCOLAIRE`` (one per school year held, children named as in BEE_ELEVES and Communs.xml). The
PARAMETRES header is the one of every BEE file (§1.0).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Annotated

from services.common.formats.bee_eleves import Eleve, ScolariteAnDernier
from services.common.formats.binding import attribute, date_fr, record, records, text
from services.common.formats.common import Parametres
from services.common.formats.identifiers import check_ine, check_mef, check_uai
from services.common.formats.reading import read_document
from services.common.formats.writing import write_document

ROOT = "BEE_HISTORIQUE_ELEVES"  # [INFER]
VERSION = "1.0"  # [INFER]
STEM = "HistoriqueEleves"  # [INFER] the XML file's name; the zip is ExportXML_<STEM>.zip as SIECLE's


@dataclass(slots=True, kw_only=True)
class Scolarite:
    """One school year of the pupil: where (CODE_RNE, the school's name), in which MEF and division."""

    annee_scolaire: Annotated[str, attribute("ANNEE_SCOLAIRE")]
    code_rne: Annotated[str | None, text("CODE_RNE", check=check_uai)] = None
    denom_princ: Annotated[str | None, text("DENOM_PRINC")] = None
    eleve_id: Annotated[str | None, text("ELEVE_ID")] = None
    code_mef: Annotated[str | None, text("CODE_MEF", check=check_mef)] = None
    code_structure: Annotated[str | None, text("CODE_STRUCTURE")] = None
    doublement: Annotated[str | None, text("DOUBLEMENT")] = None
    date_entree: Annotated[date | None, date_fr("DATE_ENTREE")] = None
    date_sortie: Annotated[date | None, date_fr("DATE_SORTIE")] = None
    code_motif_sortie: Annotated[str | None, text("CODE_MOTIF_SORTIE")] = None


@dataclass(slots=True, kw_only=True)
class HistoriqueEleve:
    """A pupil of the school this year, named as in BEE_ELEVES, with last year and every year held."""

    eleve_id: Annotated[str, attribute("ELEVE_ID")]
    elenoet: Annotated[str | None, attribute("ELENOET")] = None
    id_national: Annotated[str | None, text("ID_NATIONAL", check=check_ine)] = None
    nom_de_famille: Annotated[str, text("NOM_DE_FAMILLE")]
    prenom: Annotated[str | None, text("PRENOM")] = None
    date_naiss: Annotated[date, date_fr("DATE_NAISS")]
    scolarite_an_dernier: Annotated[
        ScolariteAnDernier | None, record("SCOLARITE_AN_DERNIER", ScolariteAnDernier)
    ] = None
    scolarites: Annotated[list[Scolarite], records("SCOLARITE", Scolarite, wrapper="SCOLARITES")] = field(
        default_factory=list
    )


@dataclass(slots=True, kw_only=True)
class DonneesHistorique:
    eleves: Annotated[list[HistoriqueEleve] | None, records("ELEVE", HistoriqueEleve, wrapper="ELEVES")] = (
        None
    )


@dataclass(slots=True, kw_only=True)
class BeeHistoriqueEleves:
    version: Annotated[str | None, attribute("VERSION")] = None
    parametres: Annotated[Parametres, record("PARAMETRES", Parametres)]
    donnees: Annotated[DonneesHistorique, record("DONNEES", DonneesHistorique)]


Year = tuple[dict[str, tuple[Eleve, str | None]], str | None]  # pupils by identity (+ division), school name


def pupil_history(pupil: Eleve, uai: str, year: int, held: dict[int, Year]) -> HistoriqueEleve:
    """``pupil``'s history at school ``uai`` in ``year``, from the years ``held`` (year -> pupils by
    :func:`identity` with their division, the school's name): one SCOLARITE per year the pupil is found,
    oldest first; SCOLARITE_AN_DERNIER as SIECLE wrote it, its MEF and division from the previous year
    when held."""
    scolarites = []
    previous: Scolarite | None = None
    for held_year, (index, name) in sorted(held.items()):
        found = index.get(identity(pupil))
        if found is None:
            continue
        then, code_structure = found
        scolarite = Scolarite(
            annee_scolaire=f"{held_year:04d}",
            code_rne=uai,
            denom_princ=name,
            eleve_id=then.eleve_id,
            code_mef=then.code_mef,
            code_structure=code_structure,
            doublement=then.doublement,
            date_entree=then.date_entree,
            date_sortie=then.date_sortie,
            code_motif_sortie=then.code_motif_sortie,
        )
        scolarites.append(scolarite)
        if held_year == year - 1:
            previous = scolarite
    return HistoriqueEleve(
        eleve_id=pupil.eleve_id,
        elenoet=pupil.elenoet,
        id_national=pupil.id_national,
        nom_de_famille=pupil.nom_de_famille,
        prenom=pupil.prenom,
        date_naiss=pupil.date_naiss,
        scolarite_an_dernier=_an_dernier(pupil, uai, previous),
        scolarites=scolarites,
    )


def identity(pupil: Eleve) -> str:
    """Who the pupil is from one year to the next: the INE, else SIECLE's ELEVE_ID (kept by the bascule)."""
    return f"INE:{pupil.id_national}" if pupil.id_national else f"ID:{pupil.eleve_id}"


def _an_dernier(pupil: Eleve, uai: str, previous: Scolarite | None) -> ScolariteAnDernier | None:
    written = pupil.scolarite_an_dernier
    if previous is None:
        return written
    base = written if written is not None and written.code_rne == uai else ScolariteAnDernier()
    return replace(base, code_mef=previous.code_mef, code_structure=previous.code_structure, code_rne=uai)


def read_bee_historique(data: bytes, *, filename: str = f"{STEM}.xml") -> BeeHistoriqueEleves:
    return read_document(BeeHistoriqueEleves, data, filename=filename, root=ROOT)


def write_bee_historique(model: BeeHistoriqueEleves, *, strict: bool = True) -> bytes:
    return write_document(ROOT, model, strict=strict)
