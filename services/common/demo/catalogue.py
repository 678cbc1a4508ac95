"""What a demo school teaches: the nomenclature, and per kind of school its levels and timetables.

Subjects and MEFs come from the real ``Nomenclature.xml`` of the shared reference folder, read with the
BEE reader when the folder is there (a development checkout), else from the small embedded subset below
(an installed package, a container). Both give the same codes for everything the demo uses. That sample
is a vocational lycée's: the few codes a collège or a general lycée needs and it lacks (6EME, 5EME,
1ERE and TLE GENERALE, SVT, LATIN...) are embedded and marked ``[INFER]``: illustrative, not checked
against the ministry's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from functools import cache
from pathlib import Path

from services.common.formats.bee_nomenclatures import (
    BeeNomenclatures,
    Civilite,
    DonneesNomenclatures,
    Matiere,
    Mef,
    ModaliteCours,
    read_bee_nomenclatures,
)
from services.common.formats.common import Parametres

SAMPLE_NOMENCLATURE = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "reference"
    / "formats"
    / "Progress"
    / "Nomenclature.xml"
)


class SchoolKind(Enum):
    COLLEGE = "college"
    LYCEE = "lycee"
    LYCEE_PRO = "lycee_pro"
    CPGE = "cpge"  # a lycée's classes préparatoires aux grandes écoles (MEF dispositif 301)


# (CODE_MEF, FORMATION, LIBELLE_LONG): the sample's, then [INFER] ones it lacks.
_MEFS = [
    ("10210001110", "4G", "4EME"),
    ("10310019110", "3EME", "3EME"),
    ("20010014110", "2GT", "2DE DETERMINATION"),
    ("21120099110", "1STI2D", "1ERE STI2D-TECHNO INDUS DEV DURABLE"),
    ("21220099110", "TSTI2D", "T-STI2D-TECHNO INDUS DEV DURABLE"),
    ("22132306110", "1BT", "1BT    TEC.MET.SPEC:MACHINIST.CONST(DIP)"),
    ("22232306110", "TBT", "TBT    TEC.MET.SPEC:MACHINIST.CONST(DIP)"),
    ("24125523210", "1CAP2", "1CAP2  PREP.& REAL. OUVRAGES ELECTRIQUES"),
    ("24125523220", "2CAP2", "2CAP2  PREP.& REAL. OUVRAGES ELECTRIQUES"),
    ("24723203310", "2NDPRO", "2NDPRO TECHNICIEN BAT. : ORG.REAL.GROS O"),
    ("24723203320", "1ERPRO", "1ERPRO TECHNICIEN BAT. : ORG.REAL.GROS O"),
    ("24723203330", "TLEPRO", "TLEPRO TECHNICIEN BAT. : ORG.REAL.GROS O"),
]
_INFERRED_MEFS = [
    ("10010012110", "6EME", "6EME"),
    ("10110001110", "5EME", "5EME"),
    ("20110019110", "1ERE G", "1ERE GENERALE"),
    ("20210019110", "TLE G", "TERMINALE GENERALE"),
    # CPGE: codes as pykol's CPGE tables name them [PARSER:pykol]; labels [INFER]
    ("30111018210", "MPSI", "MATHS PHYSIQUE ET SCIENCES DE L'INGENIEUR"),
    ("30111019210", "PCSI", "PHYSIQUE CHIMIE ET SCIENCES DE L'INGENIEUR"),
    ("30111027220", "MP", "MATHEMATIQUES ET PHYSIQUE"),
    ("30111028220", "PC", "PHYSIQUE ET CHIMIE"),
    ("30112019210", "ECG1", "ECO ET COMMERCIALE VOIE GENERALE 1ERE AN"),
    ("30112019220", "ECG2", "ECO ET COMMERCIALE VOIE GENERALE 2E ANNEE"),
]
# (CODE_MATIERE, CODE_GESTION, LIBELLE_LONG)
_MATIERES = [
    ("000T00", "ATELI", "ATELIER"),
    ("006600", "ACCPE", "ACCOMPAGNEMENT PERSONNALISE"),
    ("020700", "FRANC", "FRANCAIS"),
    ("030201", "AGL1", "ANGLAIS LV1"),
    ("030602", "ESP2", "ESPAGNOL LV2"),
    ("043700", "HI-GE", "HISTOIRE-GEOGRAPHIE"),
    ("043800", "EMC", "ENSEIGNEMENT MORAL ET CIVIQUE"),
    ("061300", "MATHS", "MATHEMATIQUES"),
    ("069400", "SPHCH", "SCIENCES PHYSIQUES ET CHIMIQUES"),
    ("073800", "STECH", "SCIENCES ET TECHNOLOGIE"),
    ("083400", "N-ART", "ENSEIGNEMENTS ARTISTIQUES"),
    ("100100", "EPS", "EDUCATION PHYSIQUE ET SPORTIVE"),
    ("191300", "ETCST", "ETUDE DES CONSTRUCTIONS"),
    ("230700", "ELTTK", "ELECTROTECHNIQUE"),
    ("270500", "A-APP", "ARTS APPLIQUES"),
    ("311400", "T-PRO", "TECHNIQUES PROFESSIONNELLES"),
    ("312800", "PSE", "PREVENTION-SANTE-ENVIRONNEMENT"),
    ("380400", "E-OGS", "ECONOMIE ET GESTION"),
]
_INFERRED_MATIERES = [
    ("013100", "PHILO", "PHILOSOPHIE"),
    ("020300", "LATIN", "LANGUES ET CULTURES DE L'ANTIQUITE LATIN"),
    ("030102", "ALL2", "ALLEMAND LV2"),
    ("062900", "SVT", "SCIENCES DE LA VIE ET DE LA TERRE"),
    ("070600", "TECHN", "TECHNOLOGIE"),
    ("076700", "SES", "SCIENCES ECONOMIQUES ET SOCIALES"),
    # CPGE subjects: codes from pykol's CPGE tables [PARSER:pykol], labels [INFER]
    ("065700", "PHYS", "PHYSIQUE"),
    ("067100", "CHIM", "CHIMIE"),
    ("067000", "SI", "SCIENCES INDUSTRIELLES DE L'INGENIEUR"),
    ("240500", "INFO", "INFORMATIQUE"),
    ("003300", "TIPE", "TRAVAUX D'INITIATIVE PERSONNELLE ENCADRES"),
    ("022700", "FR-PH", "FRANCAIS-PHILOSOPHIE"),
    ("061500", "MAAPP", "MATHEMATIQUES APPLIQUEES"),
    ("052300", "ESH", "ECONOMIE SOCIOLOGIE ET HISTOIRE DU MONDE"),
    ("024501", "CULGE", "CULTURE GENERALE"),
]


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a school: its MEF, its divisions and what they are taught each week.

    ``subjects`` are taught to whole divisions; ``splits`` to each half of a division (groups G1, G2);
    ``choices`` are alternatives every pupil takes one of (LV2), taught to groups spanning two
    divisions; ``option`` is taken by some pupils only (Latin). Hours may end in .5: the half hour is a
    fortnightly course, week A or week B.
    """

    tag: str
    mef: str
    division_codes: tuple[str, ...]
    subjects: tuple[tuple[str, float], ...]
    splits: tuple[tuple[str, float, str], ...] = ()
    choices: tuple[tuple[str, str, float], ...] = ()
    option: tuple[str, str, float] | None = None


def _codes(pattern: str, count: int) -> tuple[str, ...]:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"  # patterns with {letter} are used for a few divisions only
    return tuple(pattern.format(n=n, letter=letters[(n - 1) % len(letters)]) for n in range(1, count + 1))


_LV2 = (("ESP", "030602", 2.5), ("ALL", "030102", 2.5))
_COLLEGE_CORE = (("020700", 4.5), ("061300", 3.5), ("043700", 3.0), ("030201", 3.0), ("100100", 3.0))
_LYCEE_CORE = (("020700", 4.0), ("043700", 3.0), ("030201", 2.5), ("100100", 2.0), ("043800", 0.5))
_PRO_CORE = (
    ("020700", 2.0),
    ("043700", 1.0),
    ("061300", 1.5),
    ("030201", 2.0),
    ("100100", 2.5),
    ("312800", 1.0),
)


def levels(kind: SchoolKind, divisions_per_level: int) -> list[Level]:
    """The levels of a school of ``kind``, each with ``divisions_per_level`` divisions (fewer in LP)."""
    n = divisions_per_level
    if kind is SchoolKind.COLLEGE:
        sixieme = (*_COLLEGE_CORE, ("073800", 4.0), ("083400", 2.0), ("043800", 0.5))
        cycle4 = (*_COLLEGE_CORE, ("062900", 1.5), ("070600", 1.5), ("083400", 2.0), ("043800", 0.5))
        latin = ("LAT", "020300", 1.0)
        return [
            Level("6", "10010012110", _codes("6 {letter}", n), sixieme, (("069400", 1.0, "TP"),)),
            Level("5", "10110001110", _codes("5 {letter}", n), cycle4, (("069400", 1.5, "TP"),), _LV2, latin),
            Level("4", "10210001110", _codes("4 {letter}", n), cycle4, (("069400", 1.5, "TP"),), _LV2, latin),
            Level("3", "10310019110", _codes("3 {letter}", n), cycle4, (("069400", 1.5, "TP"),), _LV2, latin),
        ]
    if kind is SchoolKind.LYCEE:
        seconde = (
            *_LYCEE_CORE,
            ("061300", 4.0),
            ("069400", 1.0),
            ("062900", 1.5),
            ("076700", 1.5),
            ("006600", 1.0),
        )
        premiere = (*_LYCEE_CORE, ("061300", 4.0), ("076700", 4.0), ("062900", 4.0))
        terminale = (*_LYCEE_CORE, ("013100", 4.0), ("061300", 6.0), ("076700", 6.0))
        tp = (("069400", 2.0, "TP"),)
        latin = ("LAT", "020300", 3.0)
        return [
            Level("2", "20010014110", _codes("2NDE {n}", n), seconde, tp, _LV2, latin),
            Level("1", "20110019110", _codes("1G {n}", n), premiere, tp, _LV2, latin),
            Level("T", "20210019110", _codes("TG {n}", n), terminale, tp, _LV2, latin),
        ]
    if kind is SchoolKind.CPGE:
        return _cpge(n)
    atelier = (("000T00", 6.0, "AT"), ("311400", 2.0, "TP"))
    pro = (*_PRO_CORE, ("270500", 1.0), ("380400", 1.0))
    m = max(1, n // 2)
    return [
        Level("2P", "24723203310", _codes("2 PRO{n}", n), pro, atelier),
        Level("1P", "24723203320", _codes("1 PRO{n}", n), pro, atelier),
        Level("TP", "24723203330", _codes("T PRO{n}", n), pro, atelier),
        Level("1C", "24125523210", _codes("1CAP E{n}", m), (*_PRO_CORE, ("230700", 4.0)), atelier),
        Level("2C", "24125523220", _codes("2CAP E{n}", m), (*_PRO_CORE, ("230700", 4.0)), atelier),
        Level("1B", "22132306110", _codes("1 BTMS", 1), (*_PRO_CORE, ("191300", 4.0)), atelier),
    ]


def _cpge(n: int) -> list[Level]:
    """First year (MPSI, PCSI, ECG1) and second year (MP, PC, ECG2): one division each per ``n`` // 6
    (at least one), as a lycée's prépa has; colles-style TD groups halve the scientific divisions."""
    m = max(1, n // 6)
    lv = (("030201", 2.0), ("100100", 2.0))
    sciences = (*lv, ("022700", 2.0), ("240500", 1.5), ("003300", 2.0))
    td = (("061300", 2.0, "TD"), ("065700", 2.0, "TP"))
    mpsi = (*sciences, ("061300", 12.0), ("065700", 6.0), ("067000", 2.0))
    pcsi = (*sciences, ("061300", 10.0), ("065700", 6.0), ("067100", 2.0))
    pc = (*sciences, ("061300", 9.0), ("065700", 8.0), ("067100", 3.0))
    eco = (*lv, ("024501", 6.0), ("061500", 8.0), ("052300", 8.0), ("030602", 2.5))
    return [
        Level("MPSI", "30111018210", _codes("MPSI {n}", m), mpsi, td),
        Level("PCSI", "30111019210", _codes("PCSI {n}", m), pcsi, td),
        Level("ECG1", "30112019210", _codes("ECG1 {n}", m), eco),
        Level("MP", "30111027220", _codes("MP {n}", m), (*sciences, ("061300", 12.0), ("065700", 7.0)), td),
        Level("PC", "30111028220", _codes("PC {n}", m), pc, td),
        Level("ECG2", "30112019220", _codes("ECG2 {n}", m), eco),
    ]  # fmt: skip


@cache
def nomenclature(path: Path = SAMPLE_NOMENCLATURE) -> BeeNomenclatures:
    """The real sample (read once per process) completed with the ``[INFER]`` codes; the embedded
    subset when the sample is not there."""
    if not path.is_file():
        return _completed(_embedded())
    return _completed(read_bee_nomenclatures(path.read_bytes(), filename=str(path)))


def _completed(sample: BeeNomenclatures) -> BeeNomenclatures:
    donnees = sample.donnees
    known_mefs = {mef.code_mef for mef in donnees.mefs or []}
    known_matieres = {matiere.code_matiere for matiere in donnees.matieres or []}
    extra_mefs = [_mef(*row) for row in _INFERRED_MEFS if row[0] not in known_mefs]
    extra_matieres = [_matiere(*row) for row in _INFERRED_MATIERES if row[0] not in known_matieres]
    return replace(
        sample,
        donnees=replace(
            donnees,
            mefs=[*(donnees.mefs or []), *extra_mefs],
            matieres=[*(donnees.matieres or []), *extra_matieres],
        ),
    )


def _embedded() -> BeeNomenclatures:
    modes = [("CG", "COURS"), ("TD", "T.D"), ("TP", "TP"), ("AT", "ATELIER"), ("AP", "ATP")]
    return BeeNomenclatures(
        version="2.0",
        parametres=Parametres(uaj="0310053P", annee_scolaire=2016),
        donnees=DonneesNomenclatures(
            mefs=[_mef(*row) for row in _MEFS],
            matieres=[_matiere(*row) for row in _MATIERES],
            modalites_cours=[ModaliteCours(code_modalite_cours=c, libelle_court=label) for c, label in modes],
            civilites=[
                Civilite(code_civilite="1", libelle_court="M."),
                Civilite(code_civilite="2", libelle_court="MME"),
            ],
        ),
    )


def _mef(code: str, formation: str, libelle: str) -> Mef:
    """A MEF with the children every MEF of the real sample has (values shaped like its)."""
    return Mef(
        code_mef=code,
        formation=formation,
        specialite=code[3:8],
        libelle_long=libelle,
        libelle_edition=libelle.capitalize(),
        statut_mef="3",
        mef_rattachement=code,
        code_mefstat=code,
        nb_opt_oblig="0",
        nb_opt_mini="0",
        renforcement_langues="0",
        inscription_etab="1",
        mef_origine="1",
        mef_selectionne="1",
        mef_selorig="1",
        date_ouverture=date(2000, 9, 1),
        date_fermeture=date(9999, 12, 31),
    )


def _matiere(code: str, gestion: str, libelle: str) -> Matiere:
    """A subject as the real sample writes one: LIBELLE_EDITION in sentence case, MATIERE_ETP."""
    return Matiere(
        code_matiere=code,
        code_gestion=gestion,
        libelle_court=libelle[:20].rstrip(),
        libelle_long=libelle,
        libelle_edition=libelle.capitalize(),
        matiere_etp="0",
    )
