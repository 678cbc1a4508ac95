"""BEE_NOMENCLATURES (``Nomenclature.xml``): the code lists SIECLE files refer to.

Reference: FORMATS.md §1.5 and the real sample ``Progress/Nomenclature.xml`` (version 2.0), whose every
section and child is modelled here, in file order. Counts, flags and hours (``HORAIRE`` ``4.00``) stay
strings: they are codes of the ministry, and a string keeps ``"00"`` or ``"4.00"`` exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from services.common.formats.binding import Binding, attribute, date_fr, record, records, text
from services.common.formats.common import Parametres
from services.common.formats.identifiers import check_code_matiere, check_mef
from services.common.formats.reading import read_document
from services.common.formats.writing import write_document

ROOT = "BEE_NOMENCLATURES"

Libelle = Annotated[str | None, text("LIBELLE_COURT")]
LibelleLong = Annotated[str | None, text("LIBELLE_LONG")]


@dataclass(slots=True, kw_only=True)
class Mef:
    """A MEF (module élémentaire de formation); DATE_FERMETURE 31/12/9999 means still open."""

    code_mef: Annotated[str, attribute("CODE_MEF", check=check_mef)]
    formation: Annotated[str | None, text("FORMATION")] = None
    specialite: Annotated[str | None, text("SPECIALITE")] = None
    libelle_long: LibelleLong = None
    libelle_edition: Annotated[str | None, text("LIBELLE_EDITION")] = None
    statut_mef: Annotated[str | None, text("STATUT_MEF")] = None
    mef_rattachement: Annotated[str | None, text("MEF_RATTACHEMENT", check=check_mef)] = None
    code_mefstat: Annotated[str | None, text("CODE_MEFSTAT", check=check_mef)] = None
    nb_opt_oblig: Annotated[str | None, text("NB_OPT_OBLIG")] = None
    nb_opt_mini: Annotated[str | None, text("NB_OPT_MINI")] = None
    renforcement_langues: Annotated[str | None, text("RENFORCEMENT_LANGUES")] = None
    inscription_etab: Annotated[str | None, text("INSCRIPTION_ETAB")] = None
    mef_origine: Annotated[str | None, text("MEF_ORIGINE")] = None
    mef_selectionne: Annotated[str | None, text("MEF_SELECTIONNE")] = None
    mef_selorig: Annotated[str | None, text("MEF_SELORIG")] = None
    date_ouverture: Annotated[date | None, date_fr("DATE_OUVERTURE")] = None
    date_fermeture: Annotated[date | None, date_fr("DATE_FERMETURE")] = None


@dataclass(slots=True, kw_only=True)
class Matiere:
    """A subject; academic and local ones (``999A99``) name their national subject."""

    code_matiere: Annotated[str, attribute("CODE_MATIERE", check=check_code_matiere)]
    code_gestion: Annotated[str | None, text("CODE_GESTION")] = None
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None
    libelle_edition: Annotated[str | None, text("LIBELLE_EDITION")] = None
    matiere_etp: Annotated[str | None, text("MATIERE_ETP")] = None
    code_matiere_nationale: Annotated[
        str | None, text("CODE_MATIERE_NATIONALE", check=check_code_matiere)
    ] = None


@dataclass(slots=True, kw_only=True)
class Programme:
    """Weekly hours (``HORAIRE``) of a subject in a MEF, with its election mode."""

    code_mef: Annotated[str | None, text("CODE_MEF", check=check_mef)] = None
    code_matiere: Annotated[str | None, text("CODE_MATIERE", check=check_code_matiere)] = None
    code_modalite_elect: Annotated[str | None, text("CODE_MODALITE_ELECT")] = None
    horaire: Annotated[str | None, text("HORAIRE")] = None


@dataclass(slots=True, kw_only=True)
class OptionObligatoire:
    code_mef: Annotated[str | None, text("CODE_MEF", check=check_mef)] = None
    code_matiere: Annotated[str | None, text("CODE_MATIERE", check=check_code_matiere)] = None
    rang_option: Annotated[str | None, text("RANG_OPTION")] = None


# The short code lists: a key attribute (named after the list) and two labels, a few with one more flag.


@dataclass(slots=True, kw_only=True)
class ModaliteElection:
    code_modalite_elect: Annotated[str, attribute("CODE_MODALITE_ELECT")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class Regime:
    code_regime: Annotated[str, attribute("CODE_REGIME")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class LienParente:
    code_parente: Annotated[str, attribute("CODE_PARENTE")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class Bourse:
    code_bourse: Annotated[str, attribute("CODE_BOURSE")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None
    bourse_nationale: Annotated[str | None, text("BOURSE_NATIONALE")] = None


@dataclass(slots=True, kw_only=True)
class Profession:
    code_profession: Annotated[str, attribute("CODE_PROFESSION")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class SituationEmploi:
    code_situation: Annotated[str, attribute("CODE_SITUATION")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None
    trans_situation: Annotated[str | None, text("TRANS_SITUATION")] = None


@dataclass(slots=True, kw_only=True)
class PcsSituation:
    """Which employment situations go with which profession (PCS)."""

    code_profession: Annotated[str | None, text("CODE_PROFESSION")] = None
    code_situation: Annotated[str | None, text("CODE_SITUATION")] = None


@dataclass(slots=True, kw_only=True)
class Provenance:
    code_provenance: Annotated[str, attribute("CODE_PROVENANCE")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class MotifSortie:
    code_motif_sortie: Annotated[str, attribute("CODE_MOTIF_SORTIE")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class StatutEleve:
    code_statut: Annotated[str, attribute("CODE_STATUT")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class Contrat:
    code_contrat: Annotated[str, attribute("CODE_CONTRAT")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class TypeEtablissement:
    code_type_etab: Annotated[str, attribute("CODE_TYPE_ETAB")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class Civilite:
    code_civilite: Annotated[str, attribute("CODE_CIVILITE")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None


@dataclass(slots=True, kw_only=True)
class ModaliteCours:
    """A teaching mode (CG cours, TD, TP...), the ``CODE_MOD_COURS`` of STS services."""

    code_modalite_cours: Annotated[str, attribute("CODE_MODALITE_COURS")]
    libelle_court: Libelle = None
    libelle_long: LibelleLong = None
    co_enseignement: Annotated[str | None, text("CO_ENSEIGNEMENT")] = None


def _section(item: str, cls: type[object], section: str) -> Binding:
    return records(item, cls, wrapper=section)


@dataclass(slots=True, kw_only=True)
class DonneesNomenclatures:
    """The sections, in file order; an absent section is None."""

    mefs: Annotated[list[Mef] | None, _section("MEF", Mef, "MEFS")] = None
    matieres: Annotated[list[Matiere] | None, _section("MATIERE", Matiere, "MATIERES")] = None
    programmes: Annotated[list[Programme] | None, _section("PROGRAMME", Programme, "PROGRAMMES")] = None
    options_obligatoires: Annotated[
        list[OptionObligatoire] | None,
        _section("OPTION_OBLIGATOIRE", OptionObligatoire, "OPTIONS_OBLIGATOIRES"),
    ] = None
    modalites_election: Annotated[
        list[ModaliteElection] | None, _section("MODALITE_ELECTION", ModaliteElection, "MODALITES_ELECTION")
    ] = None
    regimes: Annotated[list[Regime] | None, _section("REGIME", Regime, "REGIMES")] = None
    liens_parente: Annotated[
        list[LienParente] | None, _section("LIEN_PARENTE", LienParente, "LIENS_PARENTE")
    ] = None
    bourses: Annotated[list[Bourse] | None, _section("BOURSE", Bourse, "BOURSES")] = None
    professions: Annotated[list[Profession] | None, _section("PROFESSION", Profession, "PROFESSIONS")] = None
    situations_emploi: Annotated[
        list[SituationEmploi] | None, _section("SITUATION_EMPLOI", SituationEmploi, "SITUATIONS_EMPLOI")
    ] = None
    pcs_situations_emploi: Annotated[
        list[PcsSituation] | None, _section("PCS_SITUATION", PcsSituation, "PCS_SITUATIONS_EMPLOI")
    ] = None
    provenances: Annotated[list[Provenance] | None, _section("PROVENANCE", Provenance, "PROVENANCES")] = None
    motifs_sortie: Annotated[
        list[MotifSortie] | None, _section("MOTIF_SORTIE", MotifSortie, "MOTIFS_SORTIE")
    ] = None
    statuts_eleve: Annotated[
        list[StatutEleve] | None, _section("STATUT_ELEVE", StatutEleve, "STATUTS_ELEVE")
    ] = None
    contrats: Annotated[list[Contrat] | None, _section("CONTRAT", Contrat, "CONTRATS")] = None
    types_etablissement: Annotated[
        list[TypeEtablissement] | None,
        _section("TYPE_ETABLISSEMENT", TypeEtablissement, "TYPES_ETABLISSEMENT"),
    ] = None
    civilites: Annotated[list[Civilite] | None, _section("CIVILITE", Civilite, "CIVILITES")] = None
    modalites_cours: Annotated[
        list[ModaliteCours] | None, _section("MODALITE_COURS", ModaliteCours, "MODALITES_COURS")
    ] = None


@dataclass(slots=True, kw_only=True)
class BeeNomenclatures:
    """A whole ``Nomenclature.xml``."""

    version: Annotated[str | None, attribute("VERSION")] = None
    parametres: Annotated[Parametres, record("PARAMETRES", Parametres)]
    donnees: Annotated[DonneesNomenclatures, record("DONNEES", DonneesNomenclatures)]


def read_bee_nomenclatures(data: bytes, *, filename: str = "Nomenclature.xml") -> BeeNomenclatures:
    """Read a BEE_NOMENCLATURES file (any VERSION), leniently."""
    return read_document(BeeNomenclatures, data, filename=filename, root=ROOT)


def write_bee_nomenclatures(model: BeeNomenclatures, *, strict: bool = True) -> bytes:
    """Write a BEE_NOMENCLATURES file; ``strict`` checks MEF and subject codes."""
    return write_document(ROOT, model, strict=strict)
