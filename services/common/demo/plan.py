"""The shape of a demo school before any file is written: pupils in divisions and groups, teachings.

Pupils are drawn family by family and then spread over the divisions, so siblings sit in different
levels. Groups are of three sorts (see :class:`~.catalogue.Level`): halves of a division (``6AG1``),
alternatives spanning two divisions (``5ESP1``: the Spanish LV2 of 5 A and 5 B) and options taken by
some pupils (``5LAT1``). Every code is at most 8 characters of ``A-Z 0-9 space``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from services.common.demo.catalogue import Level
from services.common.demo.etablissements import Identite, feeder_schools
from services.common.demo.people import Family, Registry, child, family
from services.common.demo.timetable import Teaching
from services.common.formats.bee_eleves import Eleve, ScolariteAnDernier

_AGE_AT_ENTRY = {"6": 11, "5": 12, "4": 13, "3": 14, "2": 15, "1": 16, "T": 17, "2P": 15, "1P": 16, "TP": 17,
                 "1C": 15, "2C": 16, "1B": 16, "MPSI": 18, "PCSI": 18, "ECG1": 18, "MP": 19, "PC": 19,
                 "ECG2": 19}  # fmt: skip
# A level's previous one in the same school; other levels come from a feeder school of this type,
# with that school's last level (MEF, division code pattern).
_PREVIOUS = {"5": "6", "4": "5", "3": "4", "1": "2", "T": "1", "1P": "2P", "TP": "1P", "2C": "1C",
             "MP": "MPSI", "PC": "PCSI", "ECG2": "ECG1"}  # fmt: skip
_FEEDER = {"6": ("ECOLE", None, "CM2 {letter}"), "2": ("CLG", "10310019110", "3 {letter}"),
           "2P": ("CLG", "10310019110", "3 {letter}"), "1C": ("CLG", "10310019110", "3 {letter}"),
           "1B": ("LP", "24723203320", "1 PRO{n}"), "MPSI": ("LYC", "20210019110", "TG {n}"),
           "PCSI": ("LYC", "20210019110", "TG {n}"), "ECG1": ("LYC", "20210019110", "TG {n}")}  # fmt: skip
NO_SCHOOLING = 0.03  # <SCOLARITE_AN_DERNIER/>: newcomers SIECLE knows nothing of
PARTIAL_SCHOOLING = 0.03  # the school only, neither MEF nor division
_SIBLINGS = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)
OPTION_SHARE = 0.2


@dataclass(slots=True)
class Structure:
    """A division (``divisions`` is just itself) or a group, with its pupils."""

    code: str
    libelle: str
    mef: str
    divisions: tuple[str, ...]
    is_group: bool
    option_matiere: str | None = None  # the subject a pupil chose by joining this group (LV2, Latin)
    pupils: list[Eleve] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    families: list[Family] = field(default_factory=list)
    divisions: list[Structure] = field(default_factory=list)
    groups: list[Structure] = field(default_factory=list)
    teachings: list[Teaching] = field(default_factory=list)


def plan_school(
    rng: random.Random,
    registry: Registry,
    levels: list[Level],
    pupils: int,
    year: int,
    here: Identite,
) -> Plan:
    """Pupils, divisions, groups and teachings of a school of about ``pupils`` pupils, ``here``."""
    departement = here.uai[:3]
    plan = Plan()
    history = _History(rng, here, levels)
    seats = [(level, code) for level in levels for code in level.division_codes]
    division_of = {code: Structure(code, _libelle(code), level.mef, (code,), False) for level, code in seats}
    plan.divisions = list(division_of.values())
    places = [seats[n % len(seats)] for n in range(pupils)]
    rng.shuffle(places)
    while places:
        household = family(rng, registry, departement)
        for _ in range(min(rng.choice(_SIBLINGS), len(places))):
            level, code = places.pop()
            pupil = child(rng, registry, household, year - _AGE_AT_ENTRY[level.tag], level.mef, year)
            pupil.scolarite_an_dernier = history.previous(level, pupil.doublement == "1", code)
            household.children.append(pupil)
            division_of[code].pupils.append(pupil)
        plan.families.append(household)
    for level in levels:
        _plan_level(rng, plan, level, [division_of[code] for code in level.division_codes])
    return plan


class _History:
    """Where each pupil was last year: here a level below (or the same one, repeating), or in a feeder
    school of the département; a few with nothing known, a few with the school only."""

    def __init__(self, rng: random.Random, here: Identite, levels: list[Level]) -> None:
        self.rng, self.here = rng, here
        self.levels = {level.tag: level for level in levels}
        self.feeders = {
            kind: feeder_schools(rng, here.uai[:3], kind, 4) for kind in ("ECOLE", "CLG", "LP", "LYC")
        }

    def previous(self, level: Level, repeating: bool, division: str) -> ScolariteAnDernier:
        draw = self.rng.random()
        if draw < NO_SCHOOLING:
            return ScolariteAnDernier()
        if repeating:
            return self.here.scolarite(level.mef, division)
        before = self.levels.get(_PREVIOUS.get(level.tag, ""))
        if before is not None:
            return self.here.scolarite(before.mef, self.rng.choice(before.division_codes))
        kind, mef, pattern = _FEEDER.get(level.tag, ("CLG", None, "3 {letter}"))
        school = self.rng.choice(self.feeders[kind])
        if draw < NO_SCHOOLING + PARTIAL_SCHOOLING:
            return replace(school.scolarite(None, None), boite_postale=None, mel=None, telephone=None)
        n = self.rng.randrange(1, 6)
        return school.scolarite(mef, pattern.format(n=n, letter="ABCDE"[n - 1]))


def _plan_level(rng: random.Random, plan: Plan, level: Level, divisions: list[Structure]) -> None:
    for division in divisions:
        plan.teachings += [Teaching(division.code, (division.code,), m, "CG", h) for m, h in level.subjects]
        if level.splits:
            for half in (1, 2):
                group = _group(plan, f"{division.code.replace(' ', '')}G{half}", level, (division,))
                group.pupils = division.pupils[half - 1 :: 2]
                plan.teachings += [
                    Teaching(group.code, group.divisions, m, mode, h) for m, h, mode in level.splits
                ]
    for pair_index, start in enumerate(range(0, len(divisions), 2), 1):
        pair = tuple(divisions[start : start + 2])
        pupils = [pupil for division in pair for pupil in division.pupils]
        choice_of = {pupil.eleve_id: rng.random() < 0.6 for pupil in pupils}  # True: the first choice
        for rank, (tag, matiere, hours) in enumerate(level.choices):
            group = _group(plan, f"{level.tag}{tag}{pair_index}", level, pair, matiere)
            group.pupils = [pupil for pupil in pupils if choice_of[pupil.eleve_id] == (rank == 0)]
            plan.teachings.append(Teaching(group.code, group.divisions, matiere, "CG", hours))
        if level.option is not None:
            tag, matiere, hours = level.option
            group = _group(plan, f"{level.tag}{tag}{pair_index}", level, pair, matiere)
            group.pupils = [pupil for pupil in pupils if rng.random() < OPTION_SHARE]
            plan.teachings.append(Teaching(group.code, group.divisions, matiere, "CG", hours))


def _group(
    plan: Plan, code: str, level: Level, divisions: tuple[Structure, ...], option: str | None = None
) -> Structure:
    group = Structure(code, _libelle(code), level.mef, tuple(d.code for d in divisions), True, option)
    plan.groups.append(group)
    return group


def _libelle(code: str) -> str:
    return code.replace(" ", "")[:20]
