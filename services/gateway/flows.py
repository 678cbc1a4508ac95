"""The flows editors use, and which accredited products may use which.

Flow names are the ones French users know. A timetable product (EDT, UDT) pulls the structures, the
nomenclatures and the STS export and pushes timetables; a school-life product (Pronote) pulls students,
guardians and structures and pushes student↔group links. Until GIN-WEB's registry is the source (it then
publishes each product's flows), this table is the embedded default.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common import subjects
from services.common.errors import Forbidden
from services.common.events import Direction


@dataclass(frozen=True)
class Flow:
    name: str
    direction: Direction
    subject: str


NOMENCLATURES = Flow("nomenclatures", Direction.EXPORT, subjects.bee_export("nomenclatures"))

FLOWS: dict[str, Flow] = {flow.name: flow for flow in (NOMENCLATURES,)}

PRODUCT_FLOWS: dict[str, frozenset[str]] = {
    "edt": frozenset({"nomenclatures", "structures", "emploi-du-temps", "etablissement"}),
    "udt": frozenset({"nomenclatures", "structures", "emploi-du-temps", "etablissement"}),
    "pronote": frozenset(
        {"nomenclatures", "structures", "eleves", "responsables", "etablissement", "liens-eleves-groupes"}
    ),
}


def ensure_flow_allowed(product: str, flow: Flow) -> None:
    if flow.name not in PRODUCT_FLOWS.get(product, frozenset()):
        raise Forbidden(
            f"Le produit « {product} » n'est pas habilité pour le flux « {flow.name} ».",
            code="flux-non-autorise",
        )
