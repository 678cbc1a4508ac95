"""Demo schools tell one story across formats: every code points to something that exists."""

from __future__ import annotations

from services.common.demo import DemoSchool
from services.common.formats.edt_sts import validate_edt_sts
from services.common.formats.import_eleves import validate_import_eleves
from services.common.formats.sts_edt import validate_sts_edt
from tests.demo.files import services


def test_codecs_find_nothing_to_refuse(schools: list[DemoSchool]) -> None:
    for school in schools:
        assert validate_sts_edt(school.sts_edt) == []
        assert validate_edt_sts(school.edt_sts) == []
        assert validate_import_eleves(school.import_eleves) == []


def test_every_pupil_has_one_division_and_known_groups(schools: list[DemoSchool]) -> None:
    for school in schools:
        divisions = {d.code_structure for d in school.structures.donnees.divisions or []}
        groups = {g.code_structure for g in school.structures.donnees.groupes or []}
        assert (
            divisions
            == {d.code for d in school.sts_edt.divisions}
            == {d.code for d in school.edt_sts.divisions}
        )
        assert groups == {g.code for g in school.sts_edt.groupes} == {g.code for g in school.edt_sts.groupes}
        placed = school.eleves.donnees.structures or []
        assert len(placed) == len(school.eleves.donnees.eleves or [])
        for pupil in placed:
            kinds = [s.type_structure for s in pupil.structures]
            assert kinds.count("D") == 1
            assert {s.code_structure for s in pupil.structures if s.type_structure == "D"} <= divisions
            assert {s.code_structure for s in pupil.structures if s.type_structure == "G"} <= groups


def test_every_group_belongs_to_divisions_that_exist(schools: list[DemoSchool]) -> None:
    for school in schools:
        divisions = {d.code for d in school.sts_edt.divisions}
        for groupe in school.sts_edt.groupes:
            assert groupe.divisions
            assert {d.code for d in groupe.divisions} <= divisions


def test_services_are_taught_by_sts_individuals(schools: list[DemoSchool]) -> None:
    for school in schools:
        individus = {i.individu_id for i in school.sts_edt.individus}
        teachers = {e.individu_id for service in services(school.edt_sts) for e in service.enseignants}
        assert teachers == individus
        assert all(s.services for s in school.edt_sts.divisions)


def test_links_push_names_the_pupils_as_siecle_knows_them(schools: list[DemoSchool]) -> None:
    for school in schools:
        siecle = {
            p.eleve_id: (p.nom_de_famille, p.prenom, p.date_naiss) for p in school.eleves.donnees.eleves or []
        }
        pushed = {p.eleve_id: (p.nom_de_famille, p.prenom, p.date_naiss) for p in school.import_eleves.eleves}
        assert pushed == siecle
        groups_in_bee = {
            (s.eleve_id, structure.code_structure)
            for s in school.eleves.donnees.structures or []
            for structure in s.structures
            if structure.type_structure == "G"
        }
        groups_pushed = {(p.eleve_id, g.code_groupe) for p in school.import_eleves.eleves for g in p.groupes}
        assert groups_pushed == groups_in_bee


def test_guardians_and_addresses_resolve(schools: list[DemoSchool]) -> None:
    for school in schools:
        donnees = school.responsables.donnees
        pupils = {p.eleve_id for p in school.eleves.donnees.eleves or []}
        personnes = {p.personne_id for p in donnees.personnes or []}
        adresses = {a.adresse_id for a in donnees.adresses or []}
        assert {link.eleve_id for link in donnees.responsables or []} == pupils
        assert {link.personne_id for link in donnees.responsables or []} == personnes
        assert {p.adresse_id for p in donnees.personnes or []} <= adresses
        assert {p.adresse_id for p in school.eleves.donnees.eleves or []} <= {
            a.adresse_id for a in school.eleves.donnees.adresses or []
        }
