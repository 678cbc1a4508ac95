"""Pupils, their families and addresses, as SIECLE records them (BEE_ELEVES and BEE_RESPONSABLES).

Families are drawn first, so that siblings share a name, an address and their guardians. A few
guardians are entered twice, as happens when a second child is enrolled: same person, a name typed
without its accents or a new mobile number, a second ``PERSONNE_ID``. A few pupils have no INE yet.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from services.common.demo.names import BOY_NAMES, GIRL_NAMES, LAST_NAMES, PROFESSIONS, STREETS, TOWNS
from services.common.formats import identifiers as ids
from services.common.formats.bee_eleves import Eleve
from services.common.formats.bee_responsables import Personne, ResponsableEleve
from services.common.formats.common import Adresse

WITHOUT_INE = 0.03
DUPLICATED_GUARDIAN = 0.15  # of families with several children here


@dataclass(slots=True)
class Family:
    last_name: str
    adresse: Adresse
    guardians: list[Personne]
    children: list[Eleve] = field(default_factory=list)
    duplicates: dict[int, Personne] = field(default_factory=dict)  # child index -> re-entered guardian


class Registry:
    """Hands out the school's identifiers: unique, 7-digit, in a seeded random range."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._next = {kind: rng.randrange(1_000_000, 8_000_000) for kind in ("eleve", "personne", "adresse")}
        self._elenoet = rng.randrange(1000, 5000)
        self._ines: set[str] = set()

    def next_id(self, kind: str) -> str:
        self._next[kind] += 1
        return str(self._next[kind])

    def next_elenoet(self) -> str:
        self._elenoet += 1
        return str(self._elenoet)

    def ine(self) -> str:
        while True:
            digits = f"{self.rng.randrange(10**9, 10**10):010d}"
            ine = digits + ids.check_letter(digits)
            if ine not in self._ines:
                self._ines.add(ine)
                return ine


def family(rng: random.Random, registry: Registry, departement: str) -> Family:
    """A household: one or two guardians at one address."""
    last_name = rng.choice(LAST_NAMES)
    adresse = _adresse(rng, registry, departement)
    mother = _personne(
        rng, registry, "2", last_name if rng.random() < 0.8 else rng.choice(LAST_NAMES), adresse
    )
    guardians = [mother]
    if rng.random() < 0.8:
        guardians.insert(0, _personne(rng, registry, "1", last_name, adresse))
    return Family(last_name=last_name, adresse=adresse, guardians=guardians)


def child(rng: random.Random, registry: Registry, household: Family, born: int, mef: str, year: int) -> Eleve:
    """A pupil of ``household`` born in ``born``, enrolled in ``mef`` for school year ``year``."""
    girl = rng.random() < 0.5
    first_names = rng.sample(GIRL_NAMES if girl else BOY_NAMES, 3)
    redoublant = rng.random() < 0.04
    birth = date(born - redoublant, 1, 1).toordinal() + rng.randrange(365)
    return Eleve(
        eleve_id=registry.next_id("eleve"),
        elenoet=registry.next_elenoet(),
        id_national=None if rng.random() < WITHOUT_INE else registry.ine(),
        nom_de_famille=household.last_name,
        prenom=first_names[0],
        prenom2=first_names[1] if rng.random() < 0.6 else None,
        prenom3=first_names[2] if rng.random() < 0.2 else None,
        date_naiss=date.fromordinal(birth),
        doublement="1" if redoublant else "0",
        code_pays="100",
        code_regime=rng.choice(["0", "2", "2", "2", "3"]),
        date_entree=date(year, 9, 1),
        code_sexe="2" if girl else "1",
        code_statut="ST",
        code_mef=mef,
        adresse_id=household.adresse.adresse_id,
    )


def links(rng: random.Random, registry: Registry, household: Family) -> list[ResponsableEleve]:
    """The guardian links of every child; a later child may point to a re-entered guardian."""
    result = []
    for index, pupil in enumerate(household.children):
        for rank, guardian in enumerate(household.guardians, 1):
            person = guardian
            if index > 0 and rank == 1 and rng.random() < DUPLICATED_GUARDIAN:
                person = household.duplicates.setdefault(index, _reentered(rng, registry, guardian))
            parente = "1" if guardian.lc_civilite == "M." else "2"
            result.append(
                ResponsableEleve(
                    eleve_id=pupil.eleve_id,
                    personne_id=person.personne_id,
                    resp_legal=str(rank),
                    code_parente=parente,
                    resp_financier="1" if rank == 1 else "0",
                    pers_paiement="1" if rank == 1 else "0",
                    pers_contact="1",
                )
            )
    return result


def _personne(
    rng: random.Random, registry: Registry, sexe: str, last_name: str, adresse: Adresse
) -> Personne:
    first = rng.choice(BOY_NAMES if sexe == "1" else GIRL_NAMES)
    return Personne(
        personne_id=registry.next_id("personne"),
        lc_civilite="M." if sexe == "1" else "MME",
        ll_civilite="Monsieur" if sexe == "1" else "Madame",
        nom_de_famille=last_name,
        prenom=first,
        tel_portable=_phone(rng, "06"),
        accepte_sms="1",
        mel=f"{_ascii(first).lower()}.{_ascii(last_name).lower().replace(' ', '')}@example.fr",
        communication_adresse="1",
        adresse_id=adresse.adresse_id,
        code_profession=rng.choice(PROFESSIONS),
    )


def _reentered(rng: random.Random, registry: Registry, guardian: Personne) -> Personne:
    name = guardian.nom_de_famille or ""
    retyped = _ascii(name)
    changes = {"nom_de_famille": retyped} if retyped != name else {"tel_portable": _phone(rng, "07")}
    return replace(guardian, personne_id=registry.next_id("personne"), **changes)


def _adresse(rng: random.Random, registry: Registry, departement: str) -> Adresse:
    kind, street = rng.choice(STREETS)
    postal, insee, town = rng.choice(TOWNS.get(departement, TOWNS["075"]))
    return Adresse(
        adresse_id=registry.next_id("adresse"),
        ligne1_adresse=f"{rng.randrange(1, 180)} {kind} {street}",
        code_postal=postal,
        code_pays="100",
        code_commune_insee=insee,
        ll_pays="FRANCE",
        code_departement=insee[:2].zfill(3),
        libelle_postal=town,
    )


def _phone(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(f" {rng.randrange(100):02d}" for _ in range(4))


def _ascii(text: str) -> str:
    # NFKD splits é into e + accent; Œ and Ł have no decomposition and are spelt out first.
    text = text.replace("Œ", "OE").replace("œ", "oe").replace("Ł", "L").replace("ł", "l")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
