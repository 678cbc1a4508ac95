"""BEE_RESPONSABLES (``ResponsablesAvecAdresses.xml``): the pupils' legal guardians and contacts.

Reference: FORMATS.md §1.4 (version 1.9 seen). ``RESPONSABLE_ELEVE`` links a pupil (``ELEVE_ID`` of the
Eleves file) to a person. NIVEAU_RESPONSABILITE and PAIE_FRAIS_SCOLAIRES come from newer versions (read by
Gepi); their place at the end of the link is inferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from services.common.formats.binding import attribute, record, records, text
from services.common.formats.common import Adresse, Parametres
from services.common.formats.reading import read_document
from services.common.formats.writing import write_document

ROOT = "BEE_RESPONSABLES"


@dataclass(slots=True, kw_only=True)
class Personne:
    """A person responsible for, or to contact about, one or more pupils."""

    personne_id: Annotated[str, attribute("PERSONNE_ID")]
    lc_civilite: Annotated[str | None, text("LC_CIVILITE")] = None
    ll_civilite: Annotated[str | None, text("LL_CIVILITE")] = None
    nom_de_famille: Annotated[str | None, text("NOM_DE_FAMILLE")] = None
    nom_usage: Annotated[str | None, text("NOM_USAGE")] = None
    prenom: Annotated[str | None, text("PRENOM")] = None
    tel_personnel: Annotated[str | None, text("TEL_PERSONNEL")] = None
    tel_portable: Annotated[str | None, text("TEL_PORTABLE")] = None
    accepte_sms: Annotated[str | None, text("ACCEPTE_SMS")] = None
    tel_professionnel: Annotated[str | None, text("TEL_PROFESSIONNEL")] = None
    mel: Annotated[str | None, text("MEL")] = None
    communication_adresse: Annotated[str | None, text("COMMUNICATION_ADRESSE")] = None
    adresse_id: Annotated[str | None, text("ADRESSE_ID")] = None
    code_profession: Annotated[str | None, text("CODE_PROFESSION")] = None


@dataclass(slots=True, kw_only=True)
class ResponsableEleve:
    """A pupil-person link. CODE_PARENTE: 1 père, 2 mère, 3 tuteur, 4 famille, 5 ASE, 6 autre, 7 élève."""

    eleve_id: Annotated[str, text("ELEVE_ID")]
    personne_id: Annotated[str, text("PERSONNE_ID")]
    resp_legal: Annotated[str | None, text("RESP_LEGAL")] = None
    code_parente: Annotated[str | None, text("CODE_PARENTE")] = None
    resp_financier: Annotated[str | None, text("RESP_FINANCIER")] = None
    pers_paiement: Annotated[str | None, text("PERS_PAIEMENT")] = None
    pers_contact: Annotated[str | None, text("PERS_CONTACT")] = None
    niveau_responsabilite: Annotated[str | None, text("NIVEAU_RESPONSABILITE")] = None
    paie_frais_scolaires: Annotated[str | None, text("PAIE_FRAIS_SCOLAIRES")] = None


@dataclass(slots=True, kw_only=True)
class DonneesResponsables:
    personnes: Annotated[list[Personne] | None, records("PERSONNE", Personne, wrapper="PERSONNES")] = None
    responsables: Annotated[
        list[ResponsableEleve] | None, records("RESPONSABLE_ELEVE", ResponsableEleve, wrapper="RESPONSABLES")
    ] = None
    adresses: Annotated[list[Adresse] | None, records("ADRESSE", Adresse, wrapper="ADRESSES")] = None


@dataclass(slots=True, kw_only=True)
class BeeResponsables:
    """A whole ``ResponsablesAvecAdresses.xml``."""

    version: Annotated[str | None, attribute("VERSION")] = None
    parametres: Annotated[Parametres, record("PARAMETRES", Parametres)]
    donnees: Annotated[DonneesResponsables, record("DONNEES", DonneesResponsables)]


def read_bee_responsables(data: bytes, *, filename: str = "ResponsablesAvecAdresses.xml") -> BeeResponsables:
    """Read a BEE_RESPONSABLES file (any VERSION), leniently."""
    return read_document(BeeResponsables, data, filename=filename, root=ROOT)


def write_bee_responsables(model: BeeResponsables, *, strict: bool = True) -> bytes:
    """Write a BEE_RESPONSABLES file; ``strict`` checks the school's UAI."""
    return write_document(ROOT, model, strict=strict)
