"""BEE_ELEVES (``ElevesSansAdresses.xml`` / ``ElevesAvecAdresses.xml``): the pupils of a school.

Reference: FORMATS.md §1.3 (version 2.1 seen). Both files share the root and this model; the "sans
adresses" one simply has no ``ADRESSES`` block (``donnees.adresses is None``) nor address details.
ELEVE's children are declared in the real files' order. Readers accept any order: Pix's synthetic
fixtures, for one, put CODE_SEXE before DATE_NAISS.

Identifiers are kept as read (``ELEVE_ID="0001"``); only the writer checks them (INE, MEF, UAI, codes).
``INE_RNIE`` is seen by one parser in place of ID_NATIONAL; its place after ID_NATIONAL is inferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from services.common.formats.binding import attribute, date_fr, record, records, text
from services.common.formats.common import Adresse, Parametres
from services.common.formats.identifiers import (
    check_code_matiere,
    check_code_structure,
    check_ine,
    check_mef,
    check_uai,
    read_code_structure,
)
from services.common.formats.reading import read_document
from services.common.formats.writing import write_document

ROOT = "BEE_ELEVES"

CodeStructure = text("CODE_STRUCTURE", check=check_code_structure, lenient=read_code_structure)


@dataclass(slots=True, kw_only=True)
class ScolariteAnDernier:
    """Where the pupil was last year: MEF, division and school (CODE_RNE is its UAI)."""

    code_mef: Annotated[str | None, text("CODE_MEF", check=check_mef)] = None
    code_structure: Annotated[str | None, CodeStructure] = None
    code_rne: Annotated[str | None, text("CODE_RNE", check=check_uai)] = None
    code_nature: Annotated[str | None, text("CODE_NATURE")] = None
    sigle: Annotated[str | None, text("SIGLE")] = None
    denom_princ: Annotated[str | None, text("DENOM_PRINC")] = None
    denom_compl: Annotated[str | None, text("DENOM_COMPL")] = None
    ligne1_adresse: Annotated[str | None, text("LIGNE1_ADRESSE")] = None
    boite_postale: Annotated[str | None, text("BOITE_POSTALE")] = None
    mel: Annotated[str | None, text("MEL")] = None
    telephone: Annotated[str | None, text("TELEPHONE")] = None
    code_commune_insee: Annotated[str | None, text("CODE_COMMUNE_INSEE")] = None
    ll_commune_insee: Annotated[str | None, text("LL_COMMUNE_INSEE")] = None


@dataclass(slots=True, kw_only=True)
class Eleve:
    """A pupil. ``eleve_id`` is SIECLE's key, used by the Responsables file and group imports."""

    eleve_id: Annotated[str, attribute("ELEVE_ID")]
    elenoet: Annotated[str | None, attribute("ELENOET")] = None
    id_national: Annotated[str | None, text("ID_NATIONAL", check=check_ine)] = None
    ine_rnie: Annotated[str | None, text("INE_RNIE", check=check_ine)] = None
    elenoet_element: Annotated[str | None, text("ELENOET")] = None  # same value as the attribute
    id_eleve_etab: Annotated[str | None, text("ID_ELEVE_ETAB")] = None
    nom_de_famille: Annotated[str, text("NOM_DE_FAMILLE")]
    nom_usage: Annotated[str | None, text("NOM_USAGE")] = None
    prenom: Annotated[str | None, text("PRENOM")] = None
    prenom2: Annotated[str | None, text("PRENOM2")] = None
    prenom3: Annotated[str | None, text("PRENOM3")] = None
    date_naiss: Annotated[date, date_fr("DATE_NAISS")]
    doublement: Annotated[str | None, text("DOUBLEMENT")] = None
    code_pays: Annotated[str | None, text("CODE_PAYS")] = None
    accepte_sms: Annotated[str | None, text("ACCEPTE_SMS")] = None
    date_modification: Annotated[date | None, date_fr("DATE_MODIFICATION")] = None
    date_sortie: Annotated[date | None, date_fr("DATE_SORTIE")] = None
    mel: Annotated[str | None, text("MEL")] = None
    code_regime: Annotated[str | None, text("CODE_REGIME")] = None
    date_entree: Annotated[date | None, date_fr("DATE_ENTREE")] = None
    ville_naiss: Annotated[str | None, text("VILLE_NAISS")] = None
    code_motif_sortie: Annotated[str | None, text("CODE_MOTIF_SORTIE")] = None
    code_sexe: Annotated[str | None, text("CODE_SEXE")] = None
    tel_portable: Annotated[str | None, text("TEL_PORTABLE")] = None
    tel_personnel: Annotated[str | None, text("TEL_PERSONNEL")] = None
    tel_professionnel: Annotated[str | None, text("TEL_PROFESSIONNEL")] = None
    code_pays_nat: Annotated[str | None, text("CODE_PAYS_NAT")] = None
    code_statut: Annotated[str | None, text("CODE_STATUT")] = None
    code_mef: Annotated[str | None, text("CODE_MEF", check=check_mef)] = None
    code_departement_naiss: Annotated[str | None, text("CODE_DEPARTEMENT_NAISS")] = None
    code_commune_insee_naiss: Annotated[str | None, text("CODE_COMMUNE_INSEE_NAISS")] = None
    adhesion_transport: Annotated[str | None, text("ADHESION_TRANSPORT")] = None
    code_provenance: Annotated[str | None, text("CODE_PROVENANCE")] = None
    adresse_id: Annotated[str | None, text("ADRESSE_ID")] = None
    scolarite_an_dernier: Annotated[
        ScolariteAnDernier | None, record("SCOLARITE_AN_DERNIER", ScolariteAnDernier)
    ] = None


@dataclass(slots=True, kw_only=True)
class OptionEleve:
    """One option of a pupil: rank, election mode (O, F...) and subject."""

    num_option: Annotated[str | None, text("NUM_OPTION")] = None
    code_modalite_elect: Annotated[str | None, text("CODE_MODALITE_ELECT")] = None
    code_matiere: Annotated[str | None, text("CODE_MATIERE", check=check_code_matiere)] = None


@dataclass(slots=True, kw_only=True)
class Option:
    eleve_id: Annotated[str, attribute("ELEVE_ID")]
    elenoet: Annotated[str | None, attribute("ELENOET")] = None
    options_eleve: Annotated[list[OptionEleve], records("OPTIONS_ELEVE", OptionEleve)] = field(
        default_factory=list
    )


@dataclass(slots=True, kw_only=True)
class Structure:
    """A division (``TYPE_STRUCTURE`` D) or group (G) the pupil belongs to."""

    code_structure: Annotated[str, CodeStructure]
    type_structure: Annotated[str, text("TYPE_STRUCTURE")]


@dataclass(slots=True, kw_only=True)
class StructuresEleve:
    eleve_id: Annotated[str, attribute("ELEVE_ID")]
    elenoet: Annotated[str | None, attribute("ELENOET")] = None
    structures: Annotated[list[Structure], records("STRUCTURE", Structure)] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class BourseEleve:
    eleve_id: Annotated[str, attribute("ELEVE_ID")]
    elenoet: Annotated[str | None, attribute("ELENOET")] = None
    code_bourse: Annotated[str | None, text("CODE_BOURSE")] = None


@dataclass(slots=True, kw_only=True)
class DonneesEleves:
    eleves: Annotated[list[Eleve] | None, records("ELEVE", Eleve, wrapper="ELEVES")] = None
    options: Annotated[list[Option] | None, records("OPTION", Option, wrapper="OPTIONS")] = None
    structures: Annotated[
        list[StructuresEleve] | None, records("STRUCTURES_ELEVE", StructuresEleve, wrapper="STRUCTURES")
    ] = None
    bourses: Annotated[list[BourseEleve] | None, records("BOURSE", BourseEleve, wrapper="BOURSES")] = None
    adresses: Annotated[list[Adresse] | None, records("ADRESSE", Adresse, wrapper="ADRESSES")] = None


@dataclass(slots=True, kw_only=True)
class BeeEleves:
    """A whole ``ElevesSansAdresses.xml`` or ``ElevesAvecAdresses.xml``."""

    version: Annotated[str | None, attribute("VERSION")] = None
    parametres: Annotated[Parametres, record("PARAMETRES", Parametres)]
    donnees: Annotated[DonneesEleves, record("DONNEES", DonneesEleves)]


def read_bee_eleves(data: bytes, *, filename: str = "ElevesSansAdresses.xml") -> BeeEleves:
    """Read a BEE_ELEVES file, with or without addresses (any VERSION), leniently.

    Every pupil is read even when some are wrong; their errors come together as ``FormatErrors``.
    """
    return read_document(BeeEleves, data, filename=filename, root=ROOT)


def write_bee_eleves(model: BeeEleves, *, strict: bool = True) -> bytes:
    """Write a BEE_ELEVES file; ``strict`` checks the UAI, INEs, MEFs, subject and structure codes."""
    return write_document(ROOT, model, strict=strict)
