"""The schools of the demo world: each demo school's full identity, and the schools its pupils came from.

A :class:`Identite` is what SIECLE knows of a school (Communs.xml's ``UAJ``, STS's ``PARAMETRES/UAJ``,
the school record inside ``SCOLARITE_AN_DERNIER``). Feeder schools (écoles, collèges, lycées of the same
département) are drawn from the seed with valid UAIs; their names and addresses are invented.
Values are shaped like the real sample's (``Progress/Communs.xml``, FORMATS.md §1.10): CODE_NATURE 151
(école élémentaire, [INFER]), 300 (LGT), 320 (LP), 340 (collège); SIGLE ``CLG``, ``LGT``, ``LP LYC METIER``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.common.demo.names import STREETS, TOWNS
from services.common.formats import identifiers as ids
from services.common.formats.bee_eleves import ScolariteAnDernier

# type (Communs CODE_TYPE_ETAB) -> (CODE_NATURE, SIGLE, DENOM_PRINC)
NATURES = {
    "ECOLE": ("151", "E.E.PU", "ECOLE ELEMENTAIRE PUBLIQUE"),
    "CLG": ("340", "CLG", "COLLEGE"),
    "LYC": ("300", "LGT", "LYCEE GENERAL ET TECHNOLOGIQUE"),
    "LP": ("320", "LP LYC METIER", "LP LYCEE DES METIERS"),
}
_PATRONS = (
    "JULES FERRY", "JEAN JAURES", "VICTOR HUGO", "PIERRE DE FERMAT", "MARIE CURIE", "JEAN MOULIN",
    "LOUIS PASTEUR", "ALBERT CAMUS", "GEORGE SAND", "SIMONE VEIL", "JACQUES PREVERT", "CONDORCET",
)  # fmt: skip
# department -> (academy in mail addresses, telephone prefix)
_ACADEMIES = {"031": ("toulouse", "05"), "033": ("bordeaux", "05"), "075": ("paris", "01")}


@dataclass(frozen=True, slots=True)
class Identite:
    """A school as SIECLE records it; ``type_etab`` is Communs' CODE_TYPE_ETAB (``ECOLE`` for an école)."""

    uai: str
    type_etab: str
    code_nature: str
    sigle: str
    denom_princ: str
    denom_compl: str
    ligne1_adresse: str
    boite_postale: str | None
    code_postal: str
    code_commune_insee: str
    ll_commune_insee: str
    telephone: str
    telecopie: str
    mel: str
    mel_gestion: str
    num_siren: str
    etab_uaj_id: str

    def scolarite(self, code_mef: str | None, code_structure: str | None) -> ScolariteAnDernier:
        """Last year's schooling in this school, with every child the real file writes."""
        return ScolariteAnDernier(
            code_mef=code_mef,
            code_structure=code_structure,
            code_rne=self.uai,
            code_nature=self.code_nature,
            sigle=self.sigle,
            denom_princ=self.denom_princ,
            denom_compl=self.denom_compl,
            ligne1_adresse=self.ligne1_adresse,
            boite_postale=self.boite_postale,
            mel=self.mel,
            telephone=self.telephone.replace(" ", ""),
            code_commune_insee=self.code_commune_insee,
            ll_commune_insee=self.ll_commune_insee,
        )


def identite(rng: random.Random, uai: str, type_etab: str, patron: str) -> Identite:
    """The identity of school ``uai`` of type ``type_etab`` named after ``patron``."""
    departement = uai[:3]
    academie, phone = _ACADEMIES.get(departement, _ACADEMIES["075"])
    code_nature, sigle, denom = NATURES[type_etab]
    kind, street = rng.choice(STREETS)
    postal, insee, town = rng.choice(TOWNS.get(departement, TOWNS["075"]))
    box = rng.randrange(10_000, 99_999)
    number = f"{uai[1:3]} {uai[3:5]} {uai[5:7]}"
    return Identite(
        uai=uai,
        type_etab=type_etab,
        code_nature=code_nature,
        sigle=sigle,
        denom_princ=denom,
        denom_compl=patron,
        ligne1_adresse=f"{rng.randrange(1, 200)} {kind} {street}".upper(),
        boite_postale=f"BP{box}" if type_etab != "ECOLE" else None,
        code_postal=postal,
        code_commune_insee=insee,
        ll_commune_insee=_commune_name(town),
        telephone=f"{phone} {number} 00",
        telecopie=f"{phone} {number} 01",
        mel=f"ce.{uai}@ac-{academie}.fr",
        mel_gestion=f"{uai.lower()}-gest@ac-{academie}.fr",
        num_siren=f"19{uai[1:3]}{rng.randrange(10**4, 10**5)}",
        etab_uaj_id=str(rng.randrange(100, 9999)),
    )


def feeder_schools(rng: random.Random, departement: str, type_etab: str, count: int) -> list[Identite]:
    """``count`` schools of ``type_etab`` in ``departement`` with valid, seed-drawn UAIs."""
    result = []
    for _ in range(count):
        digits = f"{departement}{rng.randrange(1000, 9999)}"
        result.append(identite(rng, digits + ids.check_letter(digits), type_etab, rng.choice(_PATRONS)))
    return result


def _commune_name(town: str) -> str:
    # SIECLE's LL_COMMUNE_INSEE names the commune, not the postal district ("PARIS", not "PARIS 11E ...").
    return town.split(" ")[0] if town.startswith("PARIS ") else town
