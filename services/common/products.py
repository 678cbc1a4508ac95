"""Accredited editor products and the flows each may use: the embedded default registry.

A timetable product (EDT, UDT) pulls the nomenclatures, the structures and the STS export, pushes
timetables and, as EDT does with its IMPORT_ELEVES file (FORMATS.md §1.8), student↔group links; a
school-life product (Pronote) pulls students, guardians and structures and pushes student↔group links.
Neither gets what its job does not need: no guardians for timetabling, no timetable import from school
life. GIN-WEB owns the live registry (seeded from this table) and tells gateways about
changes; the gateway falls back to this table when it has heard nothing.
"""

from __future__ import annotations

TIMETABLE_FLOWS = frozenset(
    {"nomenclatures", "structures", "etablissement", "emploi-du-temps", "liens-eleves-groupes"}
)
SCHOOL_LIFE_FLOWS = frozenset(
    {
        "nomenclatures",
        "structures",
        "etablissement",
        "eleves",
        "responsables",
        "liens-eleves-groupes",
        "historique-eleves",
    }
)

DEFAULT_PRODUCT_FLOWS: dict[str, frozenset[str]] = {
    "edt": TIMETABLE_FLOWS,
    "udt": TIMETABLE_FLOWS,
    "pronote": SCHOOL_LIFE_FLOWS,
}
