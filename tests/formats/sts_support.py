"""Hypothesis strategies for STS_EDT, EDT_STS and IMPORT_ELEVES models.

Models are drawn *consistent*: every code a course, service or structure points to is declared in the
same model, as the writers require.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import strategies as st

from services.common.formats.edt_sts import Division as EdtDivision
from services.common.formats.edt_sts import EdtSts
from services.common.formats.edt_sts import Groupe as EdtGroupe
from services.common.formats.import_eleves import Eleve, GroupeEleve, ImportEleves
from services.common.formats.sts_edt import (
    AnneeScolaire,
    Discipline,
    Division,
    DivisionAppartenance,
    Groupe,
    Individu,
    Matiere,
    Mef,
    MefAppartenance,
    Nomenclatures,
    ProfPrinc,
    StsEdt,
    Uaj,
)
from services.common.formats.sts_services import Alternance, Cours, Enseignant, Service
from tests.formats.strategies import codes_matiere, codes_structure, mefs, records, texts, uais

MONDAYS = st.dates(min_value=date(2000, 1, 3), max_value=date(2099, 12, 28)).map(
    lambda d: d - timedelta(days=d.weekday())
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
NUMERIC_IDS = st.from_regex(r"\A[0-9]{1,7}\Z")


def optional_texts() -> st.SearchStrategy[str | None]:
    return st.none() | texts(min_size=1)


@st.composite
def cours(draw: st.DrawFn, alternances: list[str], salles: list[str] | None = None) -> Cours:
    start = draw(st.integers(min_value=0, max_value=23 * 60 + 58))
    length = draw(st.integers(min_value=1, max_value=24 * 60 - start))
    return Cours(
        code_alternance=draw(st.none() | st.sampled_from(alternances)) if alternances else None,
        jour=draw(st.integers(min_value=1, max_value=7)),
        heure_debut=time(start // 60, start % 60),
        duree=timedelta(minutes=length),
        code_salle=draw(st.none() | st.sampled_from(salles)) if salles else draw(optional_texts()),
    )


@st.composite
def services(
    draw: st.DrawFn, matieres: list[str], individus: list[str], alternances: list[str], salles: list[str]
) -> list[Service]:
    enseignant = st.builds(
        Enseignant,
        individu_id=st.sampled_from(individus),
        individu_type=st.none() | st.sampled_from(["epp", "local"]),
        cours=st.lists(cours(alternances, salles), max_size=2),
    )
    service = st.builds(
        Service,
        code_matiere=st.sampled_from(matieres),
        code_mod_cours=st.sampled_from(["CG", "TD", "TP", "AP"]),
        enseignants=st.lists(enseignant, max_size=2),
    )
    return draw(st.lists(service, max_size=2))


def alternances() -> st.SearchStrategy[list[Alternance]]:
    alternance = st.builds(
        Alternance,
        code=st.from_regex(r"\A[A-Z0-9]{1,4}\Z"),
        libelle_court=optional_texts(),
        libelle_long=optional_texts(),
        semaines=st.lists(MONDAYS, max_size=3),
    )
    return st.lists(alternance, max_size=3, unique_by=lambda a: a.code)


@st.composite
def sts_edts(draw: st.DrawFn) -> StsEdt:
    matieres = draw(st.lists(records(Matiere), min_size=1, max_size=3, unique_by=lambda m: m.code))
    mef_list = draw(st.lists(st.builds(Mef, code=mefs(), libelle_long=optional_texts()), max_size=3))
    individus = draw(st.lists(_individus(), min_size=1, max_size=3, unique_by=lambda i: i.individu_id))
    alts = draw(alternances())
    codes = draw(st.lists(codes_structure(), min_size=1, max_size=3, unique=True))
    teaching = services(
        [m.code for m in matieres], [i.individu_id for i in individus], [a.code for a in alts], []
    )
    mef_links = st.lists(
        st.builds(MefAppartenance, code=st.sampled_from([m.code for m in mef_list])), max_size=2
    )
    no_mef = st.just(list[MefAppartenance]())
    division = st.builds(
        Division,
        code=st.sampled_from(codes),
        libelle_long=optional_texts(),
        effectif_prevu=st.none() | st.integers(0, 40),
        effectif_calcule=st.none() | st.integers(0, 40),
        mefs=mef_links if mef_list else no_mef,
        services=teaching,
    )
    divisions = draw(st.lists(division, max_size=3, unique_by=lambda d: d.code))
    groupe = st.builds(
        Groupe,
        code=codes_structure(),
        effectif_prevu=st.none() | st.integers(0, 40),
        divisions=st.lists(
            st.builds(DivisionAppartenance, code=st.sampled_from([d.code for d in divisions])), max_size=2
        )
        if divisions
        else st.just([]),
        services=teaching,
    )
    return StsEdt(
        uaj=draw(records(Uaj)),
        annee_scolaire=draw(
            st.builds(AnneeScolaire, annee=st.integers(1000, 9999), date_debut=st.none() | DATES)
        ),
        nomenclatures=Nomenclatures(matieres=matieres, mefs=mef_list),
        individus=individus[:-1],
        suppleants=individus[-1:],
        alternances=alts,
        divisions=divisions,
        groupes=draw(st.lists(groupe, max_size=2, unique_by=lambda g: g.code)),
    )


def _individus() -> st.SearchStrategy[Individu]:
    return st.builds(
        Individu,
        individu_id=NUMERIC_IDS,
        individu_type=st.none() | st.just("epp"),
        sexe=st.none() | st.sampled_from(["1", "2"]),
        nom_usage=optional_texts(),
        prenom=optional_texts(),
        date_naissance=st.none() | DATES,
        profs_princ=st.lists(
            st.builds(ProfPrinc, code_structure=codes_structure(), date_debut=DATES), max_size=1
        ),
        disciplines=st.lists(records(Discipline), max_size=2),
    )


@st.composite
def edt_stss(draw: st.DrawFn) -> EdtSts:
    alts = draw(alternances())
    salles = draw(st.lists(st.from_regex(r"\A[A-Z0-9]{1,5}\Z"), max_size=3, unique=True))
    matieres = draw(st.lists(codes_matiere(), min_size=1, max_size=3))
    teaching = services(
        matieres, draw(st.lists(NUMERIC_IDS, min_size=1, max_size=3)), [a.code for a in alts], salles
    )
    divisions = draw(
        st.lists(
            st.builds(EdtDivision, code=codes_structure(), services=teaching),
            max_size=3,
            unique_by=lambda d: d.code,
        )
    )
    groupe = st.builds(
        EdtGroupe,
        code=codes_structure(),
        divisions=st.lists(codes_structure(), max_size=2),
        services=teaching,
    )
    return EdtSts(
        uaj=draw(uais()),
        annee_scolaire=draw(st.integers(1000, 9999)),
        alternances=alts,
        salles=salles,
        divisions=divisions,
        groupes=draw(st.lists(groupe, max_size=2, unique_by=lambda g: g.code)),
    )


@st.composite
def import_eleveses(draw: st.DrawFn) -> ImportEleves:
    groupe = st.builds(
        GroupeEleve,
        code_groupe=codes_structure(),
        date_debut_groupe=st.none() | DATES,
        date_fin_groupe=st.none(),
    )
    eleve = st.builds(
        Eleve,
        eleve_id=NUMERIC_IDS,
        nom_de_famille=texts(min_size=1),
        prenom=texts(min_size=1),
        prenom2=optional_texts(),
        prenom3=optional_texts(),
        date_naiss=DATES,
        groupes=st.lists(groupe, max_size=3),
    )
    return ImportEleves(
        uaj=draw(uais()),
        annee_scolaire=draw(st.integers(1000, 9999)),
        date_import=draw(st.none() | DATES),
        num_envoi=draw(st.none() | st.integers(0, 9999)),
        logiciel=draw(optional_texts()),
        eleves=draw(st.lists(eleve, max_size=4, unique_by=lambda e: e.eleve_id)),
    )
