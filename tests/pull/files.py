"""What each exported file should hold, and its content normalised for comparison.

A file's content is compared section by section, each section as a mapping from natural key to record
(JSON form), so that record order (by key in exports, by class in the demo) does not matter; lists with
no meaningful order inside a record (a pupil's structures, a division's services) are sorted.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.common.demo import DemoSchool
from services.common.formats.bee_commun import BeeCommun, read_bee_commun
from services.common.formats.bee_eleves import BeeEleves, read_bee_eleves
from services.common.formats.bee_nomenclatures import BeeNomenclatures, read_bee_nomenclatures
from services.common.formats.bee_responsables import BeeResponsables, read_bee_responsables
from services.common.formats.bee_structures import BeeStructures, read_bee_structures
from services.common.formats.sts_edt import StsEdt, read_sts_edt
from services.common.records import from_data, to_data

Key = tuple[str, ...]
KeyOf = Callable[[dict[str, Any]], Key]
HEADER = ("version", "parametres", "uaj", "annee_scolaire", "export", "suppressions")
WITHOUT_ADDRESSES = ("adresse_id", "tel_personnel", "tel_portable", "tel_professionnel")


def by(*names: str) -> KeyOf:
    return lambda record: tuple(str(record[name]) for name in names)


@dataclass(frozen=True)
class FlowFile:
    flow: str
    model: type[Any]
    read: Callable[[bytes], Any]
    expected: Callable[[DemoSchool], Any]
    sections: dict[tuple[str, ...], KeyOf] = field(default_factory=dict)  # JSON path -> key
    query: dict[str, str] = field(default_factory=dict)
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tombstone TYPE -> JSON path

    @property
    def name(self) -> str:
        return "-".join([self.flow, *self.query.values()])


def _sans_adresses(school: DemoSchool) -> BeeEleves:
    data = to_data(school.eleves)
    data["donnees"]["adresses"] = None
    for eleve in data["donnees"]["eleves"]:
        eleve.update(dict.fromkeys(WITHOUT_ADDRESSES))
    return from_data(BeeEleves, data)


ELEVES_SECTIONS: dict[tuple[str, ...], KeyOf] = {
    ("donnees", "eleves"): by("eleve_id"),
    ("donnees", "options"): by("eleve_id"),
    ("donnees", "structures"): by("eleve_id"),
    ("donnees", "bourses"): by("eleve_id"),
    ("donnees", "adresses"): by("adresse_id"),
}
ELEVES_TAGS: dict[str, tuple[str, ...]] = {
    "ELEVE": ("donnees", "eleves"),
    "OPTION": ("donnees", "options"),
    "STRUCTURES_ELEVE": ("donnees", "structures"),
    "BOURSE": ("donnees", "bourses"),
    "ADRESSE": ("donnees", "adresses"),
}
STS_SECTIONS: dict[tuple[str, ...], KeyOf] = {
    ("nomenclatures", "matieres"): by("code"),
    ("nomenclatures", "mefs"): by("code"),
    ("nomenclatures", "civilites"): by("code"),
    ("nomenclatures", "programmes"): by("code_mef", "code_matiere"),
    ("individus",): by("individu_id"),
    ("suppleants",): by("individu_id"),
    ("alternances",): by("code"),
    ("divisions",): by("code"),
    ("groupes",): by("code"),
}
STS_TAGS: dict[str, tuple[str, ...]] = {
    "MATIERE": ("nomenclatures", "matieres"),
    "MEF": ("nomenclatures", "mefs"),
    "CIVILITE": ("nomenclatures", "civilites"),
    "PROGRAMME": ("nomenclatures", "programmes"),
    "INDIVIDU": ("individus",),
    "SUPPLEANT": ("suppleants",),
    "ALTERNANCE": ("alternances",),
    "DIVISION": ("divisions",),
    "GROUPE": ("groupes",),
}

FILES = [
    FlowFile(
        "eleves",
        BeeEleves,
        read_bee_eleves,
        lambda s: s.eleves,
        ELEVES_SECTIONS,
        {"adresses": "1"},
        ELEVES_TAGS,
    ),
    FlowFile(
        "eleves", BeeEleves, read_bee_eleves, _sans_adresses, ELEVES_SECTIONS, {"adresses": "0"}, ELEVES_TAGS
    ),
    FlowFile(
        "responsables",
        BeeResponsables,
        read_bee_responsables,
        lambda s: s.responsables,
        {
            ("donnees", "personnes"): by("personne_id"),
            ("donnees", "responsables"): by("eleve_id", "personne_id"),
            ("donnees", "adresses"): by("adresse_id"),
        },
    ),
    FlowFile(
        "structures",
        BeeStructures,
        read_bee_structures,
        lambda s: s.structures,
        {("donnees", "divisions"): by("code_structure"), ("donnees", "groupes"): by("code_structure")},
        tags={"DIVISION": ("donnees", "divisions"), "GROUPE": ("donnees", "groupes")},
    ),
    FlowFile("nomenclatures", BeeNomenclatures, read_bee_nomenclatures, lambda s: s.nomenclatures),
    FlowFile("etablissement", BeeCommun, read_bee_commun, lambda s: s.commun),
    FlowFile(
        "emploi-du-temps",
        StsEdt,
        lambda data: read_sts_edt(data, filename="sts_emp.xml"),
        lambda s: s.sts_edt,
        STS_SECTIONS,
        tags=STS_TAGS,
    ),
]
BY_NAME = {file.name: file for file in FILES}


def content(file: FlowFile, model: Any) -> dict[str, Any]:
    """The model without its header, each section keyed by natural key (absent sections empty)."""
    data = {k: v for k, v in to_data(model).items() if k not in HEADER}
    for path, key_of in file.sections.items():
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = {key_of(record): _sorted_inside(record) for record in parent.get(path[-1]) or []}
    cleaned: dict[str, Any] = _drop_empty(data)
    return cleaned


def _sorted_inside(record: dict[str, Any]) -> dict[str, Any]:
    if "structures" in record:
        record["structures"] = sorted(
            record["structures"], key=lambda s: (s["type_structure"], s["code_structure"])
        )
    if "services" in record:
        record["services"] = sorted(
            record["services"], key=lambda s: (s["code_matiere"], s["code_mod_cours"])
        )
    return record


def _drop_empty(data: Any) -> Any:
    """An empty section and an absent one mean the same: no records (and an empty record, such as
    ``<SCOLARITE_AN_DERNIER/>``, an absent one: dropped after its own empty children, so that cleaning
    twice gives what cleaning once does)."""
    if isinstance(data, dict):
        cleaned = {k: _drop_empty(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {})}
    return data


def apply_delta(
    file: FlowFile, base: dict[str, Any], delta: dict[str, Any], tombstones: list[dict[str, str]]
) -> dict[str, Any]:
    """``base`` (a :func:`content`) with a delta's records upserted and its tombstones' records removed."""
    result = copy.deepcopy(base)
    for path in file.sections:
        changed = _at(delta, path)
        if changed:
            _at(result, path, create=True).update(changed)
    for tombstone in tombstones:
        kind = tombstone.get("TYPE") or tombstone["type"]
        key = tuple(value for name, value in tombstone.items() if name not in ("TYPE", "type"))
        _at(result, file.tags[kind], create=True).pop(key)
    cleaned: dict[str, Any] = _drop_empty(result)
    return cleaned


def _at(data: dict[str, Any], path: tuple[str, ...], *, create: bool = False) -> Any:
    for step in path:
        if step not in data:
            if not create:
                return {}
            data[step] = {}
        data = data[step]
    return data
