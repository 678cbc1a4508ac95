"""BEE_COMMUN (``Communs.xml``): the school's identity and the school year's dates.

Reference: FORMATS.md §1.7 and the real sample ``Progress/Communs.xml`` (version 1.7), written with CRLF
line ends, which :func:`write_bee_commun` keeps. The two calendar blocks are empty in the only sample
we have, so they are kept whole (:class:`~.binding.RawElement`) rather than given an invented model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from services.common.formats.binding import RawElement, attribute, date_fr, raw, record, text
from services.common.formats.common import Parametres
from services.common.formats.reading import read_document
from services.common.formats.writing import write_document

ROOT = "BEE_COMMUN"


@dataclass(slots=True, kw_only=True)
class Etablissement:
    """``DONNEES/UAJ``: the school as SIECLE knows it (ETAB_UAJ_ID is SIECLE's internal number)."""

    etab_uaj_id: Annotated[str | None, text("ETAB_UAJ_ID")] = None
    num_siren: Annotated[str | None, text("NUM_SIREN")] = None
    denom_princ: Annotated[str | None, text("DENOM_PRINC")] = None
    denom_compl: Annotated[str | None, text("DENOM_COMPL")] = None
    nom_resp: Annotated[str | None, text("NOM_RESP")] = None
    qual_resp: Annotated[str | None, text("QUAL_RESP")] = None
    ligne1_adresse: Annotated[str | None, text("LIGNE1_ADRESSE")] = None
    ligne2_adresse: Annotated[str | None, text("LIGNE2_ADRESSE")] = None
    ligne3_adresse: Annotated[str | None, text("LIGNE3_ADRESSE")] = None
    ligne4_adresse: Annotated[str | None, text("LIGNE4_ADRESSE")] = None
    boite_post: Annotated[str | None, text("BOITE_POST")] = None
    commune_etrangere: Annotated[str | None, text("COMMUNE_ETRANGERE")] = None
    telephone: Annotated[str | None, text("TELEPHONE")] = None
    telecopie: Annotated[str | None, text("TELECOPIE")] = None
    mel_1: Annotated[str | None, text("MEL_1")] = None
    mel_2: Annotated[str | None, text("MEL_2")] = None
    code_type_etab: Annotated[str | None, text("CODE_TYPE_ETAB")] = None
    secteur_code: Annotated[str | None, text("SECTEUR_CODE")] = None
    code_postal: Annotated[str | None, text("CODE_POSTAL")] = None
    code_commune_insee: Annotated[str | None, text("CODE_COMMUNE_INSEE")] = None
    code_pays: Annotated[str | None, text("CODE_PAYS")] = None


@dataclass(slots=True, kw_only=True)
class AnneeScolaire:
    """First and last days of the year for pupils and for staff."""

    date_debut_eleve: Annotated[date | None, date_fr("DATE_DEBUT_ELEVE")] = None
    date_fin_eleve: Annotated[date | None, date_fr("DATE_FIN_ELEVE")] = None
    date_debut_prof: Annotated[date | None, date_fr("DATE_DEBUT_PROF")] = None
    date_fin_prof: Annotated[date | None, date_fr("DATE_FIN_PROF")] = None


@dataclass(slots=True, kw_only=True)
class DonneesCommun:
    uaj: Annotated[Etablissement | None, record("UAJ", Etablissement)] = None
    annee_scolaire: Annotated[AnneeScolaire | None, record("ANNEE_SCOLAIRE", AnneeScolaire)] = None
    annee_scolaire_ad: Annotated[AnneeScolaire | None, record("ANNEE_SCOLAIRE_AD", AnneeScolaire)] = None
    periodes_pedagogiques: Annotated[RawElement | None, raw("PERIODES_PEDAGOGIQUES")] = None
    calendriers_fermetures: Annotated[RawElement | None, raw("CALENDRIERS_FERMETURES")] = None


@dataclass(slots=True, kw_only=True)
class BeeCommun:
    """A whole ``Communs.xml``."""

    version: Annotated[str | None, attribute("VERSION")] = None
    parametres: Annotated[Parametres, record("PARAMETRES", Parametres)]
    donnees: Annotated[DonneesCommun, record("DONNEES", DonneesCommun)]


def read_bee_commun(data: bytes, *, filename: str = "Communs.xml") -> BeeCommun:
    """Read a BEE_COMMUN file (any VERSION), leniently."""
    return read_document(BeeCommun, data, filename=filename, root=ROOT)


def write_bee_commun(model: BeeCommun, *, strict: bool = True, crlf: bool = True) -> bytes:
    """Write a BEE_COMMUN file, with CRLF line ends by default as SIECLE does."""
    return write_document(ROOT, model, strict=strict, crlf=crlf)
