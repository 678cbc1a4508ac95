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
    service: str | None = None  # imports: the service whose queue the job goes to


def _bee(name: str) -> Flow:
    return Flow(name, Direction.EXPORT, subjects.bee_export(name))


ELEVES = _bee("eleves")
RESPONSABLES = _bee("responsables")
NOMENCLATURES = _bee("nomenclatures")
STRUCTURES = _bee("structures")
ETABLISSEMENT = _bee("etablissement")
HISTORIQUE_ELEVES = _bee("historique-eleves")
EMPLOI_DU_TEMPS = Flow("emploi-du-temps", Direction.EXPORT, subjects.sts_export("emploi-du-temps"))

EXPORTS: tuple[Flow, ...] = (
    ELEVES,
    RESPONSABLES,
    NOMENCLATURES,
    STRUCTURES,
    ETABLISSEMENT,
    EMPLOI_DU_TEMPS,
    HISTORIQUE_ELEVES,
)
FLOWS: dict[str, Flow] = {flow.name: flow for flow in EXPORTS}


def _import(name: str, service: str) -> Flow:
    return Flow(name, Direction.IMPORT, subjects.import_filter(service), service)


# Pushes (EDT_STS into STS, IMPORT_ELEVES into BEE): queued on `imports.<service>.<uai>.<year>`.
IMPORT_EMPLOI_DU_TEMPS = _import("emploi-du-temps", "sts")
IMPORT_LIENS = _import("liens-eleves-groupes", "bee")
IMPORTS: tuple[Flow, ...] = (IMPORT_EMPLOI_DU_TEMPS, IMPORT_LIENS)


def ensure_flow_allowed(product: str, flow: Flow, product_flows: dict[str, frozenset[str]]) -> None:
    if flow.name not in product_flows.get(product, frozenset()):
        raise Forbidden(
            f"Le produit « {product} » n'est pas habilité pour le flux « {flow.name} ».",
            code="flux-non-autorise",
        )
