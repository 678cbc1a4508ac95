"""The records of STS_EDT (see :mod:`.sts_edt`), in the element order the file writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from services.common.formats import identifiers as ids
from services.common.formats.binding import attribute, record, text
from services.common.formats.sts_services import Alternance, Service


@dataclass(slots=True, kw_only=True)
class Academie:
    code: Annotated[str | None, text("CODE")] = None
    libelle: Annotated[str | None, text("LIBELLE")] = None


@dataclass(slots=True, kw_only=True)
class Uaj:
    """``PARAMETRES/UAJ``: the school, its UAI in ``@CODE``."""

    code: Annotated[str, attribute("CODE", check=ids.check_uai)]
    academie: Annotated[Academie | None, record("ACADEMIE", Academie)] = None
    sigle: Annotated[str | None, text("SIGLE")] = None
    denom_princ: Annotated[str | None, text("DENOM_PRINC")] = None
    denom_compl: Annotated[str | None, text("DENOM_COMPL")] = None
    code_nature: Annotated[str | None, text("CODE_NATURE")] = None
    code_categorie: Annotated[str | None, text("CODE_CATEGORIE")] = None
    adresse: Annotated[str | None, text("ADRESSE")] = None
    boite_postale: Annotated[str | None, text("BOITE_POSTALE")] = None
    code_postal: Annotated[str | None, text("CODE_POSTAL")] = None
    commune: Annotated[str | None, text("COMMUNE")] = None
    cedex: Annotated[str | None, text("CEDEX")] = None
    telephone: Annotated[str | None, text("TELEPHONE")] = None
    statut: Annotated[str | None, text("STATUT")] = None
    etablissement_sensible: Annotated[str | None, text("ETABLISSEMENT_SENSIBLE")] = None


@dataclass(slots=True, kw_only=True)
class AnneeScolaire:
    """``ANNEE_SCOLAIRE @ANNEE``: the starting year (2009 is 2009-2010) and its first and last days."""

    annee: int
    date_debut: date | None = None
    date_fin: date | None = None


@dataclass(slots=True, kw_only=True)
class Matiere:
    """A subject; ``code`` is ``@CODE`` here (``CODE_MATIERE`` in BEE files)."""

    code: Annotated[str, attribute("CODE", check=ids.check_code_matiere)]
    code_gestion: Annotated[str | None, text("CODE_GESTION")] = None
    libelle_court: Annotated[str | None, text("LIBELLE_COURT")] = None
    libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None
    libelle_edition: Annotated[str | None, text("LIBELLE_EDITION")] = None


@dataclass(slots=True, kw_only=True)
class Mef:
    """A MEF; ``code`` is ``@CODE`` here (``CODE_MEF`` in BEE files)."""

    code: Annotated[str, attribute("CODE", check=ids.check_mef)]
    formation: Annotated[str | None, text("FORMATION")] = None
    libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None
    libelle_edition: Annotated[str | None, text("LIBELLE_EDITION")] = None


@dataclass(slots=True, kw_only=True)
class Civilite:
    """[INFER] children named as in the other STS nomenclatures."""

    code: Annotated[str, attribute("CODE")]
    libelle_court: Annotated[str | None, text("LIBELLE_COURT")] = None
    libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None


@dataclass(slots=True, kw_only=True)
class Programme:
    """[INFER] children named as BEE ``PROGRAMME`` (gepi's old reader only names the list)."""

    code_mef: Annotated[str, text("CODE_MEF", check=ids.check_mef)]
    code_matiere: Annotated[str, text("CODE_MATIERE", check=ids.check_code_matiere)]
    code_modalite_elect: Annotated[str | None, text("CODE_MODALITE_ELECT")] = None
    horaire: Annotated[str | None, text("HORAIRE")] = None


@dataclass(slots=True, kw_only=True)
class Nomenclatures:
    matieres: list[Matiere] = field(default_factory=list)
    mefs: list[Mef] = field(default_factory=list)
    civilites: list[Civilite] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ProfPrinc:
    """The individual is *professeur principal* of ``code_structure`` over these dates."""

    code_structure: str
    date_debut: date | None = None
    date_fin: date | None = None


@dataclass(slots=True, kw_only=True)
class Discipline:
    """A teacher's discipline (``@CODE`` like ``L0100``); ``nb_heures`` kept as written (``18.00``).

    LIBELLE_LONG is [INFER]: named as in STS's other lists, placed before NB_HEURES."""

    code: Annotated[str, attribute("CODE")]
    libelle_court: Annotated[str | None, text("LIBELLE_COURT")] = None
    libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None
    nb_heures: Annotated[str | None, text("NB_HEURES")] = None


@dataclass(slots=True, kw_only=True)
class Individu:
    """A teacher (``INDIVIDU``) or a substitute (``SUPPLEANT``); ``individu_type`` is ``epp`` or ``local``.

    ``sexe`` is ``1`` (male) or ``2``; ``civilite`` ``1`` to ``3``; both kept as written.
    """

    individu_id: str
    individu_type: str | None = None
    sexe: str | None = None
    civilite: str | None = None
    nom_usage: str | None = None
    nom_patronymique: str | None = None
    prenom: str | None = None
    date_naissance: date | None = None
    grade: str | None = None
    fonction: str | None = None
    profs_princ: list[ProfPrinc] = field(default_factory=list)
    disciplines: list[Discipline] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class MefAppartenance:
    code: str
    effectif_prevu: int | None = None
    effectif_calcule: int | None = None


@dataclass(slots=True, kw_only=True)
class DivisionAppartenance:
    code: str
    effectif_prevu: int | None = None


@dataclass(slots=True, kw_only=True)
class Division:
    code: str
    libelle_long: str | None = None
    effectif_prevu: int | None = None
    effectif_calcule: int | None = None
    mefs: list[MefAppartenance] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Groupe:
    code: str
    libelle_long: str | None = None
    effectif_prevu: int | None = None
    divisions: list[DivisionAppartenance] = field(default_factory=list)
    mefs: list[MefAppartenance] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class StsEdt:
    """A whole ``sts_emp_<UAI>_<year>.xml``."""

    uaj: Uaj
    annee_scolaire: AnneeScolaire
    nomenclatures: Nomenclatures = field(default_factory=Nomenclatures)
    individus: list[Individu] = field(default_factory=list)
    suppleants: list[Individu] = field(default_factory=list)
    alternances: list[Alternance] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    groupes: list[Groupe] = field(default_factory=list)
