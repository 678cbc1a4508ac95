"""What a real file carries, record by record: a check beside the XSDs, which only say what *may* be there.

For each format, :data:`TABLES` lists its records (by path from the root) and, per record, the child
elements a real file carries on **every** such record (``always``), on every record **of a kind**
(``rules``: a pupil born in France has his commune of birth, one born abroad his town of birth...) and on
**some** records at least (``sometimes``: a file of a whole school has a few pupils with a usage name, a
few who left...). :func:`gaps` reads a file and says where it falls short.

Sources (FORMATS.md tags): [REAL] the real SIECLE 2016-17 files (the saved Structures, Nomenclature and
Communs samples; §1.3/§1.4's observed ElevesAvecAdresses and ResponsablesAvecAdresses); [PARSER] the
long-lived readers for STS_EDT, of which no real sample is public. Which children are on *every* record
of the Eleves and Responsables files is inferred from FORMATS.md's counts and from what the readers
require; docs/formats.md has the table and says which lines are inferred.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from services.common.formats.xmlsafe import parse_xml

Element = etree._Element
Predicate = Callable[[Element], bool]


def _text(elem: Element, tag: str) -> str | None:
    child = elem.find(tag)
    return None if child is None else (child.text or "").strip()


def _has(tag: str) -> Predicate:
    return lambda elem: elem.find(tag) is not None


@dataclass(frozen=True)
class Rule:
    """On every record that ``applies`` (described in ``kind``), the ``required`` children are there."""

    kind: str
    applies: Predicate
    required: tuple[str, ...]


@dataclass(frozen=True)
class RecordSpec:
    path: str  # from the root, e.g. "DONNEES/ELEVES/ELEVE"
    always: tuple[str, ...] = ()
    sometimes: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    attributes: tuple[str, ...] = ()  # on every record


@dataclass(frozen=True)
class FormatSpec:
    root: str
    records: tuple[RecordSpec, ...]
    variants: dict[str, frozenset[str]] = field(default_factory=dict)  # variant -> children it leaves out


_BORN_IN_FRANCE = Rule(
    "élève né en France (CODE_PAYS 100)",
    lambda e: _text(e, "CODE_PAYS") == "100",
    ("CODE_DEPARTEMENT_NAISS", "CODE_COMMUNE_INSEE_NAISS"),
)
_BORN_ABROAD = Rule(
    "élève né à l'étranger", lambda e: _text(e, "CODE_PAYS") not in (None, "100"), ("VILLE_NAISS",)
)
_LEFT = Rule("élève sorti (DATE_SORTIE)", _has("DATE_SORTIE"), ("CODE_MOTIF_SORTIE",))
_SCOLARITE = (
    "CODE_MEF", "CODE_STRUCTURE", "CODE_RNE", "CODE_NATURE", "SIGLE", "DENOM_PRINC", "DENOM_COMPL",
    "LIGNE1_ADRESSE", "BOITE_POSTALE", "MEL", "TELEPHONE", "CODE_COMMUNE_INSEE", "LL_COMMUNE_INSEE",
)  # fmt: skip
_ADDRESS_ONLY = frozenset({"ADRESSE_ID", "TEL_PORTABLE", "TEL_PERSONNEL", "TEL_PROFESSIONNEL"})
_ADRESSE = RecordSpec(
    "DONNEES/ADRESSES/ADRESSE",
    always=("LIGNE1_ADRESSE", "CODE_PAYS", "LL_PAYS"),
    sometimes=("LIGNE2_ADRESSE", "CODE_POSTAL", "CODE_COMMUNE_INSEE", "CODE_DEPARTEMENT", "LIBELLE_POSTAL"),
    rules=(
        Rule(
            "adresse en France",
            lambda e: _text(e, "CODE_PAYS") == "100",
            ("CODE_POSTAL", "CODE_COMMUNE_INSEE", "CODE_DEPARTEMENT", "LIBELLE_POSTAL"),
        ),
    ),
    attributes=("ADRESSE_ID",),
)

BEE_ELEVES = FormatSpec(
    "BEE_ELEVES",
    (
        RecordSpec(
            "DONNEES/ELEVES/ELEVE",
            always=(
                "ELENOET",
                "ID_ELEVE_ETAB",
                "NOM_DE_FAMILLE",
                "PRENOM",
                "DATE_NAISS",
                "DOUBLEMENT",
                "CODE_PAYS",
                "ACCEPTE_SMS",
                "DATE_MODIFICATION",
                "CODE_REGIME",
                "DATE_ENTREE",
                "CODE_SEXE",
                "CODE_PAYS_NAT",
                "CODE_STATUT",
                "CODE_MEF",
                "ADHESION_TRANSPORT",
                "ADRESSE_ID",
                "SCOLARITE_AN_DERNIER",
            ),
            sometimes=(
                "ID_NATIONAL",
                "NOM_USAGE",
                "PRENOM2",
                "PRENOM3",
                "DATE_SORTIE",
                "MEL",
                "VILLE_NAISS",
                "CODE_MOTIF_SORTIE",
                "TEL_PORTABLE",
                "TEL_PERSONNEL",
                "TEL_PROFESSIONNEL",
                "CODE_DEPARTEMENT_NAISS",
                "CODE_COMMUNE_INSEE_NAISS",
                "CODE_PROVENANCE",
            ),
            rules=(_BORN_IN_FRANCE, _BORN_ABROAD, _LEFT),
            attributes=("ELEVE_ID", "ELENOET"),
        ),
        # 981 of 1,052 real pupils carry all 13 children; the others none or some.
        RecordSpec("DONNEES/ELEVES/ELEVE/SCOLARITE_AN_DERNIER", sometimes=_SCOLARITE),
        RecordSpec(
            "DONNEES/OPTIONS/OPTION/OPTIONS_ELEVE",
            always=("NUM_OPTION", "CODE_MODALITE_ELECT", "CODE_MATIERE"),
        ),
        RecordSpec(
            "DONNEES/STRUCTURES/STRUCTURES_ELEVE/STRUCTURE", always=("CODE_STRUCTURE", "TYPE_STRUCTURE")
        ),
        RecordSpec("DONNEES/BOURSES/BOURSE", always=("CODE_BOURSE",), attributes=("ELEVE_ID",)),
        _ADRESSE,
    ),
    variants={"sans-adresses": _ADDRESS_ONLY},
)

BEE_RESPONSABLES = FormatSpec(
    "BEE_RESPONSABLES",
    (
        RecordSpec(
            "DONNEES/PERSONNES/PERSONNE",
            always=(
                "LC_CIVILITE",
                "LL_CIVILITE",
                "NOM_DE_FAMILLE",
                "PRENOM",
                "ACCEPTE_SMS",
                "COMMUNICATION_ADRESSE",
                "ADRESSE_ID",
            ),
            sometimes=(
                "NOM_USAGE",
                "TEL_PERSONNEL",
                "TEL_PORTABLE",
                "TEL_PROFESSIONNEL",
                "MEL",
                "CODE_PROFESSION",
            ),
            attributes=("PERSONNE_ID",),
        ),
        RecordSpec(
            "DONNEES/RESPONSABLES/RESPONSABLE_ELEVE",
            always=(
                "ELEVE_ID",
                "PERSONNE_ID",
                "RESP_LEGAL",
                "CODE_PARENTE",
                "RESP_FINANCIER",
                "PERS_PAIEMENT",
                "PERS_CONTACT",
            ),
        ),
        _ADRESSE,
    ),
)

BEE_STRUCTURES = FormatSpec(
    "BEE_STRUCTURES",
    (
        RecordSpec(
            "DONNEES/DIVISIONS/DIVISION",
            always=("LIBELLE_LONG", "CODE_RNE", "MEFS_APPARTENANCE"),
            attributes=("CODE_STRUCTURE",),
        ),
        RecordSpec(
            "DONNEES/GROUPES/GROUPE",
            always=("LIBELLE_LONG", "CODE_RNE", "MEFS_APPARTENANCE", "DIVISIONS_APPARTENANCE"),
            attributes=("CODE_STRUCTURE",),
        ),
    ),
)

BEE_NOMENCLATURES = FormatSpec(
    "BEE_NOMENCLATURES",
    (
        RecordSpec(
            "DONNEES/MEFS/MEF",
            always=(
                "FORMATION",
                "LIBELLE_LONG",
                "CODE_MEFSTAT",
                "INSCRIPTION_ETAB",
                "MEF_ORIGINE",
                "MEF_SELECTIONNE",
                "MEF_SELORIG",
                "DATE_OUVERTURE",
                "DATE_FERMETURE",
            ),
            sometimes=(
                "LIBELLE_EDITION",
                "SPECIALITE",
                "STATUT_MEF",
                "MEF_RATTACHEMENT",
                "NB_OPT_OBLIG",
                "NB_OPT_MINI",
                "RENFORCEMENT_LANGUES",
            ),
            attributes=("CODE_MEF",),
        ),
        RecordSpec(
            "DONNEES/MATIERES/MATIERE",
            always=("CODE_GESTION", "LIBELLE_COURT", "LIBELLE_LONG", "LIBELLE_EDITION", "MATIERE_ETP"),
            rules=(
                Rule(
                    "matière académique ou locale (code 999A99)",
                    lambda e: not str(e.get("CODE_MATIERE", "0")).isdigit(),
                    ("CODE_MATIERE_NATIONALE",),
                ),
            ),
            attributes=("CODE_MATIERE",),
        ),
        RecordSpec(
            "DONNEES/MODALITES_COURS/MODALITE_COURS",
            always=("LIBELLE_COURT", "LIBELLE_LONG"),
            attributes=("CODE_MODALITE_COURS",),
        ),
    ),
)

_UAJ_COMMUN = (
    "ETAB_UAJ_ID", "NUM_SIREN", "DENOM_PRINC", "DENOM_COMPL", "NOM_RESP", "QUAL_RESP", "LIGNE1_ADRESSE",
    "LIGNE2_ADRESSE", "LIGNE3_ADRESSE", "LIGNE4_ADRESSE", "BOITE_POST", "COMMUNE_ETRANGERE", "TELEPHONE",
    "TELECOPIE", "MEL_1", "MEL_2", "CODE_TYPE_ETAB", "SECTEUR_CODE", "CODE_POSTAL", "CODE_COMMUNE_INSEE",
    "CODE_PAYS",
)  # fmt: skip
_DATES = ("DATE_DEBUT_ELEVE", "DATE_FIN_ELEVE", "DATE_DEBUT_PROF", "DATE_FIN_PROF")
BEE_COMMUN = FormatSpec(
    "BEE_COMMUN",
    (
        RecordSpec(
            "DONNEES",
            always=(
                "UAJ",
                "ANNEE_SCOLAIRE",
                "ANNEE_SCOLAIRE_AD",
                "PERIODES_PEDAGOGIQUES",
                "CALENDRIERS_FERMETURES",
            ),
        ),
        RecordSpec("DONNEES/UAJ", always=_UAJ_COMMUN),
        RecordSpec("DONNEES/ANNEE_SCOLAIRE", always=_DATES),
        RecordSpec("DONNEES/ANNEE_SCOLAIRE_AD", always=_DATES),
    ),
)

STS_EDT = FormatSpec(
    "STS_EDT",
    (
        RecordSpec(
            "PARAMETRES/UAJ",
            always=("ACADEMIE", "SIGLE", "DENOM_PRINC", "CODE_NATURE", "CODE_POSTAL", "COMMUNE", "TELEPHONE"),
            sometimes=("DENOM_COMPL", "CODE_CATEGORIE", "ADRESSE", "BOITE_POSTALE", "CEDEX", "STATUT"),
            attributes=("CODE",),
        ),
        RecordSpec("PARAMETRES/ANNEE_SCOLAIRE", always=("DATE_DEBUT", "DATE_FIN"), attributes=("ANNEE",)),
        RecordSpec(
            "NOMENCLATURES/MATIERES/MATIERE",
            always=("CODE_GESTION", "LIBELLE_COURT", "LIBELLE_LONG", "LIBELLE_EDITION"),
            attributes=("CODE",),
        ),
        RecordSpec(
            "NOMENCLATURES/MEFS/MEF",
            always=("FORMATION", "LIBELLE_LONG", "LIBELLE_EDITION"),
            attributes=("CODE",),
        ),
        RecordSpec(
            "DONNEES/INDIVIDUS/INDIVIDU",
            always=(
                "SEXE",
                "CIVILITE",
                "NOM_USAGE",
                "NOM_PATRONYMIQUE",
                "PRENOM",
                "DATE_NAISSANCE",
                "GRADE",
                "FONCTION",
                "DISCIPLINES",
            ),
            sometimes=("PROFS_PRINC",),
            attributes=("ID", "TYPE"),
        ),
        RecordSpec(
            "DONNEES/INDIVIDUS/INDIVIDU/PROFS_PRINC/PROF_PRINC",
            always=("CODE_STRUCTURE", "DATE_DEBUT", "DATE_FIN"),
        ),
        RecordSpec(
            "DONNEES/INDIVIDUS/INDIVIDU/DISCIPLINES/DISCIPLINE",
            always=("LIBELLE_COURT", "LIBELLE_LONG", "NB_HEURES"),
            attributes=("CODE",),
        ),
        RecordSpec(
            "DONNEES/STRUCTURE/DIVISIONS/DIVISION",
            always=("LIBELLE_LONG", "EFFECTIF_PREVU", "MEFS_APPARTENANCE"),
            attributes=("CODE",),
        ),
        RecordSpec(
            "DONNEES/STRUCTURE/GROUPES/GROUPE",
            always=("LIBELLE_LONG", "EFFECTIF_PREVU", "DIVISIONS_APPARTENANCE"),
            attributes=("CODE",),
        ),
    ),
)

TABLES: dict[str, FormatSpec] = {
    spec.root: spec
    for spec in (BEE_ELEVES, BEE_RESPONSABLES, BEE_STRUCTURES, BEE_NOMENCLATURES, BEE_COMMUN, STS_EDT)
}


def gaps(data: bytes, *, variant: str | None = None, sometimes: bool = True) -> list[str]:
    """Where the file falls short of :data:`TABLES` (empty: complete).

    ``sometimes`` also asks that each *sometimes* child be on one record at least: right for a whole
    school's file, not for a delta. A variant (``sans-adresses``) leaves its own children out.
    """
    root = parse_xml(data, filename="completeness.xml")
    spec = TABLES[str(root.tag)]
    left_out = spec.variants.get(variant or "", frozenset())
    problems: list[str] = []
    for record in spec.records:
        problems += _record_gaps(root, record, left_out, sometimes)
    return problems


def _record_gaps(root: Element, spec: RecordSpec, left_out: frozenset[str], sometimes: bool) -> list[str]:
    elements = _find(root, spec.path)
    problems: list[str] = []
    for elem in elements:
        where = f"{spec.path}[{_key(elem)}]"
        for name in spec.attributes:
            if elem.get(name) is None:
                problems.append(f"{where} : attribut {name} absent")
        for tag in spec.always:
            if tag not in left_out and elem.find(tag) is None:
                problems.append(f"{where} : {tag} absent")
        for rule in spec.rules:
            if rule.applies(elem):
                problems += [
                    f"{where} ({rule.kind}) : {tag} absent"
                    for tag in rule.required
                    if tag not in left_out and elem.find(tag) is None
                ]
        if left_out:
            problems += [
                f"{where} : {tag} présent dans cette variante"
                for tag in left_out
                if elem.find(tag) is not None
            ]
    if sometimes and elements:
        for tag in spec.sometimes:
            if tag not in left_out and not any(elem.find(tag) is not None for elem in elements):
                problems.append(f"{spec.path} : aucun enregistrement n'a {tag}")
    return problems


def _find(root: Element, path: str) -> list[Element]:
    return list(root.iterfind(path)) if path else [root]


def _key(elem: Element) -> str:
    return str(next(iter(elem.attrib.values()), "")) if elem.attrib else ""


def element_paths(data: bytes) -> set[tuple[str, ...]]:
    """Every element path of a file, with the attributes it carries: what "the same elements" means."""
    root = parse_xml(data, filename="paths.xml")
    result: set[tuple[str, ...]] = set()

    def walk(elem: Element, path: tuple[str, ...]) -> None:
        here = (*path, str(elem.tag))
        result.add(here)
        result.update((*here, f"@{name!s}") for name in elem.attrib)
        for child in elem:
            if isinstance(child.tag, str):
                walk(child, here)

    walk(root, ())
    return result
