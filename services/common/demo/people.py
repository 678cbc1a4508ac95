"""Pupils, their families and addresses, as SIECLE records them (BEE_ELEVES and BEE_RESPONSABLES).

Families are drawn first, so that siblings share a name, an address and their guardians. A few
guardians are entered twice, as happens when a second child is enrolled: same person, a name typed
without its accents or a new mobile number, a second ``PERSONNE_ID``. A few pupils have no INE yet.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from services.common.demo.names import (
    BIRTH_COMMUNES,
    BOY_NAMES,
    FOREIGN_BIRTHPLACES,
    GIRL_NAMES,
    LAST_NAMES,
    PROFESSIONS,
    STREETS,
    TOWNS,
)
from services.common.formats import identifiers as ids
from services.common.formats.bee_eleves import Eleve
from services.common.formats.bee_responsables import Personne, ResponsableEleve
from services.common.formats.common import Adresse

WITHOUT_INE = 0.03
LEFT_IN_SEPTEMBER = 0.02
BORN_ABROAD = 0.05
USAGE_NAME = 0.03
_COMPLEMENTS = ("BATIMENT A", "BATIMENT B", "RESIDENCE LES PINS", "APPARTEMENT 12", "ESCALIER 3")
_MOTIFS_SORTIE = ("10", "11", "12", "13", "42")  # codes of the real Nomenclature's MOTIFS_SORTIE
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
    """A pupil of ``household`` born in ``born``, enrolled in ``mef`` for school year ``year``.

    As in a real file: born in France with the commune and département of birth, or abroad with the
    town of birth; some with a usage name, an e-mail or phones; a few who left in September
    (DATE_SORTIE and CODE_MOTIF_SORTIE). SCOLARITE_AN_DERNIER is added by the plan, which knows the
    pupil's level.
    """
    girl = rng.random() < 0.5
    first_names = rng.sample(GIRL_NAMES if girl else BOY_NAMES, 3)
    redoublant = rng.random() < 0.04
    birth = date(born - redoublant, 1, 1).toordinal() + rng.randrange(365)
    elenoet = registry.next_elenoet()
    left = rng.random() < LEFT_IN_SEPTEMBER
    pupil = Eleve(
        eleve_id=registry.next_id("eleve"),
        elenoet=elenoet,
        id_national=None if rng.random() < WITHOUT_INE else registry.ine(),
        elenoet_element=elenoet,
        id_eleve_etab=f"{year}{int(elenoet):07d}",
        nom_de_famille=household.last_name,
        nom_usage=_usage_name(rng, household.last_name),
        prenom=first_names[0],
        prenom2=first_names[1] if rng.random() < 0.6 else None,
        prenom3=first_names[2] if rng.random() < 0.2 else None,
        date_naiss=date.fromordinal(birth),
        doublement="1" if redoublant else "0",
        accepte_sms="1" if rng.random() < 0.7 else "0",
        date_modification=date(year, 9, 1) + timedelta(days=rng.randrange(30)),
        date_sortie=date(year, 9, 10) + timedelta(days=rng.randrange(20)) if left else None,
        mel=_mel(rng, first_names[0], household.last_name) if rng.random() < 0.3 else None,
        code_regime=rng.choice(["0", "2", "2", "2", "3"]),
        date_entree=date(year, 9, 1),
        code_motif_sortie=rng.choice(_MOTIFS_SORTIE) if left else None,
        code_sexe="2" if girl else "1",
        tel_portable=_phone(rng, "06") if rng.random() < 0.4 else None,
        tel_personnel=_phone(rng, "05") if rng.random() < 0.1 else None,
        tel_professionnel=_phone(rng, "05") if rng.random() < 0.01 else None,
        code_statut="ST",
        code_mef=mef,
        adhesion_transport="1" if rng.random() < 0.3 else "0",
        code_provenance=rng.choice(("1", "1", "1", "1", "2", "3")),
        adresse_id=household.adresse.adresse_id,
    )
    return _born(rng, pupil, household.adresse.code_departement or "075")


def _born(rng: random.Random, pupil: Eleve, departement: str) -> Eleve:
    if rng.random() < BORN_ABROAD:
        code_pays, town = rng.choice(FOREIGN_BIRTHPLACES)
        nationality = code_pays if rng.random() < 0.6 else "100"
        return replace(pupil, code_pays=code_pays, ville_naiss=town, code_pays_nat=nationality)
    if rng.random() < 0.7:
        _postal, insee, _town = rng.choice(TOWNS.get(departement, TOWNS["075"]))
    else:
        insee, _town = rng.choice(BIRTH_COMMUNES)
    return replace(
        pupil,
        code_pays="100",
        code_pays_nat="100",
        code_departement_naiss=departement_of(insee),
        code_commune_insee_naiss=insee,
    )


def departement_of(insee: str) -> str:
    """The 3-character département of an INSEE commune code: ``031``, ``02A``, ``974``."""
    return insee[:3] if insee.startswith("97") else insee[:2].zfill(3)


def _usage_name(rng: random.Random, last_name: str) -> str | None:
    if rng.random() >= USAGE_NAME:
        return None
    return f"{last_name}-{rng.choice(LAST_NAMES)}"[:30]


def _mel(rng: random.Random, first: str, last: str) -> str:
    name = f"{_ascii(first).lower()}.{_ascii(last).lower().replace(' ', '')}"
    return f"{name}{rng.randrange(10, 99)}@example.fr"


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
        nom_usage=rng.choice(LAST_NAMES) if sexe == "2" and rng.random() < 0.1 else None,
        prenom=first,
        tel_personnel=_phone(rng, "05") if rng.random() < 0.3 else None,
        tel_portable=_phone(rng, "06"),
        accepte_sms="1",
        tel_professionnel=_phone(rng, "05") if rng.random() < 0.25 else None,
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
        ligne2_adresse=rng.choice(_COMPLEMENTS) if rng.random() < 0.15 else None,
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
