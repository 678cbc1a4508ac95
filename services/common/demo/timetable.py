"""Teachers, services and a weekly timetable with week A / week B, for the demo schools.

Each :class:`Teaching` is one service of a division or group. Teachers are drawn per subject, about 18
hours each, and every teaching goes to the least loaded one. The timetable is placed greedily, one
hour at a time, where the teacher, the pupils' divisions and a room of the right kind are all free; a
half hour (``4.5`` hours a week) becomes a fortnightly course in week A or week B. A slot that cannot
be found free is placed anyway: demo data may have the odd clash, never a dangling code.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from services.common.demo.names import BOY_NAMES, GIRL_NAMES, LAST_NAMES
from services.common.formats.sts_edt import Discipline, Individu, ProfPrinc
from services.common.formats.sts_services import Alternance, Cours

WEEKS = ("SA", "SB")
_HOURS = (8, 9, 10, 11, 13, 14, 15, 16)
_SLOTS = [(day, hour) for day in range(1, 6) for hour in _HOURS if day != 3 or hour < 12]  # Wednesday pm off
_LOAD = 18.0
# [INFER] illustrative STS discipline codes of the teachers of each subject.
_DISCIPLINES = {
    "020700": "L0202", "061300": "L1300", "043700": "L1000", "043800": "L1000", "030201": "L0422",
    "030602": "L0426", "030102": "L0421", "100100": "L1900", "069400": "L1500", "062900": "L1600",
    "073800": "L1500", "070600": "L1400", "083400": "L1800", "020300": "L0201", "076700": "L8012",
    "013100": "L0100", "006600": "L0202", "312800": "P7200", "270500": "L7200", "380400": "P8011",
    "000T00": "P2400", "311400": "P2400", "230700": "P5200", "191300": "P2400",
    "065700": "L1500", "067100": "L1500", "067000": "L1414", "240500": "L1300", "003300": "L1500",
    "022700": "L0202", "061500": "L1300", "052300": "L8012", "024501": "L0100",
}  # fmt: skip
# [INFER] their labels (LIBELLE_COURT, LIBELLE_LONG), in STS's upper case.
_DISCIPLINE_LABELS = {
    "L0100": ("PHILOSOPHIE", "PHILOSOPHIE"), "L0201": ("LETTRES CLASSIQUES", "LETTRES CLASSIQUES"),
    "L0202": ("LETTRES MODERNES", "LETTRES MODERNES"), "L0421": ("ALLEMAND", "ALLEMAND"),
    "L0422": ("ANGLAIS", "ANGLAIS"), "L0426": ("ESPAGNOL", "ESPAGNOL"),
    "L1000": ("HIST. GEO.", "HISTOIRE ET GEOGRAPHIE"), "L1300": ("MATHEMATIQUES", "MATHEMATIQUES"),
    "L1400": ("TECHNOLOGIE", "TECHNOLOGIE"), "L1414": ("SII", "SCIENCES INDUSTRIELLES DE L'INGENIEUR"),
    "L1500": ("PHYS.CHIMIE", "PHYSIQUE CHIMIE"), "L1600": ("SVT", "SCIENCES DE LA VIE ET DE LA TERRE"),
    "L1800": ("ARTS PLAST.", "ARTS PLASTIQUES"), "L1900": ("EPS", "EDUCATION PHYSIQUE ET SPORTIVE"),
    "L7200": ("ARTS APPLIQ.", "ARTS APPLIQUES"), "L8012": ("SES", "SCIENCES ECONOMIQUES ET SOCIALES"),
    "P2400": ("GENIE MECA.", "GENIE MECANIQUE CONSTRUCTION"), "P5200": ("GENIE ELEC.", "GENIE ELECTRIQUE"),
    "P7200": ("BIOTECHNOL.", "BIOTECHNOLOGIES SANTE ENVIRONNEMENT"),
    "P8011": ("ECO GESTION", "ECONOMIE ET GESTION"),
    "L0000": ("DIVERS", "DIVERS"),
}  # fmt: skip


@dataclass(slots=True)
class Teaching:
    """One service to staff and timetable: ``divisions`` are those whose pupils attend it."""

    structure: str
    divisions: tuple[str, ...]
    matiere: str
    mode: str
    hours: float
    teacher: str = ""
    cours: list[Cours] = field(default_factory=list)


def alternances(year: int) -> list[Alternance]:
    """Week A and week B: the Mondays of the school year, alternately."""
    first = date(year, 9, 1) + timedelta(days=(7 - date(year, 9, 1).weekday()) % 7)
    mondays = [first + timedelta(weeks=n) for n in range(44)]
    return [
        Alternance(
            code=code,
            libelle_court=f"Sem. {code[-1]}",
            libelle_long=f"Semaine {code[-1]}",
            semaines=mondays[n::2],
        )
        for n, code in enumerate(WEEKS)
    ]


def staff(rng: random.Random, teachings: list[Teaching], year: int, first_id: int) -> list[Individu]:
    """The teachers of ``teachings`` (each teaching gets its ``teacher``), ids from ``first_id``."""
    by_subject: dict[str, list[Teaching]] = {}
    for teaching in teachings:
        by_subject.setdefault(teaching.matiere, []).append(teaching)
    individus: list[Individu] = []
    for matiere, subject_teachings in by_subject.items():
        count = max(1, math.ceil(sum(t.hours for t in subject_teachings) / _LOAD))
        team = [_teacher(rng, str(first_id + len(individus) + n), matiere, year) for n in range(count)]
        loads = [0.0] * count
        for teaching in sorted(subject_teachings, key=lambda t: -t.hours):
            least = loads.index(min(loads))
            loads[least] += teaching.hours
            teaching.teacher = team[least].individu_id
        individus += team
    return individus


def appoint_profs_principaux(teachings: list[Teaching], individus: list[Individu], year: int) -> None:
    """One *professeur principal* per division: the first teacher who teaches it as a whole."""
    by_id = {individu.individu_id: individu for individu in individus}
    appointed: set[str] = set()
    for teaching in teachings:
        if teaching.structure in teaching.divisions and teaching.structure not in appointed:
            individu = by_id[teaching.teacher]
            if not individu.profs_princ:
                prof_princ = ProfPrinc(
                    code_structure=teaching.structure,
                    date_debut=date(year, 9, 1),
                    date_fin=date(year + 1, 8, 31),
                )
                individu.profs_princ.append(prof_princ)
                appointed.add(teaching.structure)


def schedule(rng: random.Random, teachings: list[Teaching], rooms: dict[str, list[str]]) -> None:
    """Fill every teaching's ``cours``, avoiding clashes of teachers, divisions and rooms."""
    busy: set[tuple[str, int, int, str]] = set()
    fortnight = 0
    for teaching in teachings:
        whole, half = divmod(teaching.hours, 1.0)
        weeks: list[tuple[str, ...]] = [WEEKS] * int(whole)
        if half >= 0.5:
            weeks.append((WEEKS[fortnight % 2],))
            fortnight += 1
        for week in weeks:
            teaching.cours.append(_place(rng, teaching, week, rooms[_room_kind(teaching)], busy))


def _place(
    rng: random.Random,
    teaching: Teaching,
    weeks: tuple[str, ...],
    rooms: list[str],
    busy: set[tuple[str, int, int, str]],
) -> Cours:
    people = (teaching.teacher, *teaching.divisions)
    start = rng.randrange(len(_SLOTS))
    chosen, room = _SLOTS[start], None
    for offset in range(len(_SLOTS)):
        day, hour = _SLOTS[(start + offset) % len(_SLOTS)]
        if all((who, day, hour, week) not in busy for who in people for week in weeks):
            free = [r for r in rooms if all((r, day, hour, week) not in busy for week in weeks)]
            chosen, room = (day, hour), (free[0] if free else None)
            break
    day, hour = chosen
    busy.update((who, day, hour, week) for who in (*people, *([room] if room else [])) for week in weeks)
    return Cours(
        code_alternance=weeks[0] if len(weeks) == 1 else None,
        jour=day,
        heure_debut=time(hour, 0),
        duree=timedelta(hours=1),
        code_salle=room,
    )


def _room_kind(teaching: Teaching) -> str:
    if teaching.matiere == "100100":
        return "GYM"
    if teaching.mode in ("TP", "AT"):
        return "LABO"
    return "SALLE"


def room_pool(divisions: int) -> dict[str, list[str]]:
    """Enough rooms of each kind for ``divisions`` divisions: classrooms by floor, labs, gyms."""
    count = divisions + divisions // 4 + 2
    salles = [f"{'ABCDEFGH'[n // 40 % 8]}{101 + n % 40}" for n in range(count)]  # A101..A140, B101...
    labos = [f"LABO{n}" for n in range(1, divisions // 3 + 3)]
    gyms = [f"GYM{n}" for n in range(1, divisions // 8 + 3)]
    return {"SALLE": salles, "LABO": labos, "GYM": gyms}


def _teacher(rng: random.Random, individu_id: str, matiere: str, year: int) -> Individu:
    woman = rng.random() < 0.6
    name = rng.choice(LAST_NAMES)
    return Individu(
        individu_id=individu_id,
        individu_type="epp",
        sexe="2" if woman else "1",
        civilite="2" if woman else "1",
        nom_usage=name,
        nom_patronymique=name if rng.random() < 0.8 else rng.choice(LAST_NAMES),
        prenom=rng.choice(GIRL_NAMES if woman else BOY_NAMES),
        date_naissance=date(year - rng.randrange(25, 63), rng.randrange(1, 13), rng.randrange(1, 29)),
        grade=rng.choice(["CERTIFIE", "CERTIFIE", "AGREGE", "PLP", "CONTRACTUEL"]),
        fonction="ENS",
        disciplines=[_discipline(_DISCIPLINES.get(matiere, "L0000"))],
    )


def _discipline(code: str) -> Discipline:
    court, long = _DISCIPLINE_LABELS[code]
    return Discipline(code=code, libelle_court=court, libelle_long=long, nb_heures=f"{_LOAD:.2f}")
