"""Records shared by the BEE files: the ``PARAMETRES`` header that opens each, and ``ADRESSE``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from services.common.formats.binding import attribute, date_fr, text, timestamp_fr, year
from services.common.formats.identifiers import check_uai


@dataclass(slots=True, kw_only=True)
class Parametres:
    """UAJ (the school's UAI), ANNEE_SCOLAIRE (the *starting* year: 2016 is 2016-2017), export times."""

    uaj: Annotated[str, text("UAJ", check=check_uai)]
    annee_scolaire: Annotated[int | None, year("ANNEE_SCOLAIRE")] = None
    date_export: Annotated[date | None, date_fr("DATE_EXPORT")] = None
    horodatage: Annotated[datetime | None, timestamp_fr("HORODATAGE")] = None


@dataclass(slots=True, kw_only=True)
class Adresse:
    """``ADRESSES/ADRESSE`` of the Eleves and Responsables files, pointed to by ``ADRESSE_ID``."""

    adresse_id: Annotated[str, attribute("ADRESSE_ID")]
    ligne1_adresse: Annotated[str | None, text("LIGNE1_ADRESSE")] = None
    ligne2_adresse: Annotated[str | None, text("LIGNE2_ADRESSE")] = None
    ligne3_adresse: Annotated[str | None, text("LIGNE3_ADRESSE")] = None
    ligne4_adresse: Annotated[str | None, text("LIGNE4_ADRESSE")] = None
    commune_etrangere: Annotated[str | None, text("COMMUNE_ETRANGERE")] = None
    code_postal: Annotated[str | None, text("CODE_POSTAL")] = None
    code_pays: Annotated[str | None, text("CODE_PAYS")] = None
    code_commune_insee: Annotated[str | None, text("CODE_COMMUNE_INSEE")] = None
    ll_pays: Annotated[str | None, text("LL_PAYS")] = None
    code_departement: Annotated[str | None, text("CODE_DEPARTEMENT")] = None
    libelle_postal: Annotated[str | None, text("LIBELLE_POSTAL")] = None
