"""The pupils' schooling history (flow ``historique-eleves``): each pupil's years as the platform holds them.

SIECLE has no public history file (FORMATS.md §1.10): the history it ships is ``ELEVE/SCOLARITE_AN_DERNIER``
inside BEE_ELEVES, which this file carries unchanged in shape for the previous year. The rest is our own,
**[INFER]** and easy to change here: the root ``BEE_HISTORIQUE_ELEVES`` (VERSION 1.0), the file name
``HistoriqueEleves.xml`` and its zip ``ExportXML_HistoriqueEleves.zip``, and ``SCOLARITES/SCOLARITE
@ANNEE_SCOLAIRE`` (one per school year held, children named as in BEE_ELEVES and Communs.xml). The
PARAMETRES header is the one of every BEE file (§1.0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from services.common.formats.bee_eleves import ScolariteAnDernier
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


def read_bee_historique(data: bytes, *, filename: str = f"{STEM}.xml") -> BeeHistoriqueEleves:
    return read_document(BeeHistoriqueEleves, data, filename=filename, root=ROOT)


def write_bee_historique(model: BeeHistoriqueEleves, *, strict: bool = True) -> bytes:
    return write_document(ROOT, model, strict=strict)
