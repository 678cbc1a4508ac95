"""Throughput of the BEE_ELEVES codec on a 2,000-pupil lycée, against bare lxml in the same run.

Run ``python -m bench.bench_formats`` (or ``python bench/bench_formats.py``) from the repository root.
The school is built here, deterministically: the demo generator lives elsewhere.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from lxml import etree

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.common.formats.bee_eleves import (
    BeeEleves,
    DonneesEleves,
    Eleve,
    Option,
    OptionEleve,
    ScolariteAnDernier,
    Structure,
    StructuresEleve,
    read_bee_eleves,
    write_bee_eleves,
)
from services.common.formats.common import Adresse, Parametres
from services.common.formats.identifiers import check_letter
from services.common.formats.schemas import schema, validate_against_xsd

PUPILS = 2000
REPEAT = 7
UAI = "0310053P"
NOMS = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LEFÈVRE"]
PRENOMS = ["Léa", "Chloé", "Zoé", "Noël", "Jérôme", "Hélène", "Maël", "Cœur", "Inès", "François", "Łukasz"]
DIVISIONS = [f"{level} {letter}" for level in ("2NDE", "1ERE", "TERM") for letter in "ABCDEFGHIJ"]
MEFS = ["20010018110", "21111016110", "21112016110"]
MATIERES = ["030201", "030602", "061300", "013000"]


def pupil(i: int) -> Eleve:
    ine_digits = f"{1234500000 + i:010d}"
    return Eleve(
        eleve_id=f"{1000000 + i}",
        elenoet=f"{i:04d}",
        id_national=ine_digits + check_letter(ine_digits),
        elenoet_element=f"{i:04d}",
        id_eleve_etab=f"{31005300000 + i}",
        nom_de_famille=NOMS[i % len(NOMS)],
        prenom=PRENOMS[i % len(PRENOMS)],
        prenom2=PRENOMS[(i * 7) % len(PRENOMS)],
        date_naiss=date(2007, 1, 1) + timedelta(days=i % 1000),
        doublement="0",
        code_pays="100",
        accepte_sms="1",
        date_modification=date(2016, 9, 1),
        date_entree=date(2016, 9, 1),
        code_regime="2",
        code_sexe=str(1 + i % 2),
        tel_portable=f"+336{i:08d}",
        code_statut="ST",
        code_mef=MEFS[i % len(MEFS)],
        code_departement_naiss="031",
        code_commune_insee_naiss="31555",
        adresse_id=f"{2000000 + i}",
        scolarite_an_dernier=ScolariteAnDernier(
            code_mef=MEFS[0], code_rne=UAI, denom_princ="LYCÉE URBAIN VITRY"
        ),
    )


def school() -> BeeEleves:
    ids = range(PUPILS)
    return BeeEleves(
        version="2.1",
        parametres=Parametres(uaj=UAI, annee_scolaire=2016, horodatage=datetime(2017, 2, 23, 15, 42, 52)),
        donnees=DonneesEleves(
            eleves=[pupil(i) for i in ids],
            options=[Option(eleve_id=f"{1000000 + i}", options_eleve=options(i)) for i in ids],
            structures=[StructuresEleve(eleve_id=f"{1000000 + i}", structures=placement(i)) for i in ids],
            bourses=[],
            adresses=[address(i) for i in ids],
        ),
    )


def options(i: int) -> list[OptionEleve]:
    return [
        OptionEleve(num_option=str(n), code_modalite_elect="O", code_matiere=MATIERES[(i + n) % 4])
        for n in (1, 2)
    ]


def placement(i: int) -> list[Structure]:
    division = DIVISIONS[i % len(DIVISIONS)]
    return [
        Structure(code_structure=division, type_structure="D"),
        Structure(code_structure=f"GR{i % 9}", type_structure="G"),
    ]


def address(i: int) -> Adresse:
    return Adresse(
        adresse_id=f"{2000000 + i}",
        ligne1_adresse=f"{i % 200} RUE DE L'ÉGLISE",
        ligne2_adresse="",
        code_postal="31000",
        code_pays="100",
        code_commune_insee="31555",
        libelle_postal="TOULOUSE",
    )


def best_of(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure() -> list[tuple[str, float, float]]:
    model = school()
    data = write_bee_eleves(model)
    assert read_bee_eleves(data) == model, "the bench must measure a faithful round trip"
    megabytes = len(data) / 1e6
    schema("bee_eleves")  # compiled once per process: not part of a file's cost
    tree = etree.fromstring(data)

    def intake() -> BeeEleves:
        validate_against_xsd(data, "bee_eleves")
        return read_bee_eleves(data)

    bare_parse = best_of(lambda: etree.fromstring(data))
    bare_write = best_of(lambda: etree.tostring(tree, encoding="ISO-8859-15"))
    rows = [
        ("lxml.etree.fromstring (reference)", bare_parse, bare_parse),
        ("parse_xml + read_bee_eleves", best_of(lambda: read_bee_eleves(data)), bare_parse),
        ("validate_against_xsd", best_of(partial(validate_against_xsd, data, "bee_eleves")), bare_parse),
        ("validate + read (full intake)", best_of(intake), bare_parse),
        ("lxml.etree.tostring (reference)", bare_write, bare_write),
        ("write_bee_eleves (strict)", best_of(lambda: write_bee_eleves(model)), bare_write),
    ]
    print(f"ElevesAvecAdresses, {PUPILS} pupils: {megabytes:.2f} MB; best of {REPEAT} runs")
    return [(name, megabytes / seconds, seconds / reference) for name, seconds, reference in rows]


def main() -> None:
    rows = measure()
    print(f"| {'step':<34} | {'MB/s':>7} | {'× lxml':>6} |")
    print(f"|{'-' * 36}|{'-' * 9}|{'-' * 8}|")
    for name, throughput, ratio in rows:
        print(f"| {name:<34} | {throughput:7.1f} | {ratio:6.1f} |")


if __name__ == "__main__":
    main()
