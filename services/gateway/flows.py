"""The flows editors use (named as French users know them) and the check that a product may use one."""

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

def ensure_flow_allowed(product: str, flow: Flow, product_flows: dict[str, frozenset[str]]) -> None:
    if flow.name not in product_flows.get(product, frozenset()):
        raise Forbidden(
            f"Le produit « {product} » n'est pas habilité pour le flux « {flow.name} ».",
            code="flux-non-autorise",
        )
