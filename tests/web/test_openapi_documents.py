"""Every service's OpenAPI document declares errors as they are answered: problem+json with the real
statuses, never FastAPI's 422 (validation answers 400 ``requete-invalide``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from services.common.errors import PROBLEM_MEDIA_TYPE
from tests.web.conftest import Platform


def apps(platform: Platform) -> dict[str, FastAPI]:
    return {
        "gateway": platform.gateway_routes,
        "bee": platform.bee,
        "sts": platform.sts,
        "supervision": platform.supervision.app,
        "ginweb": platform.stack.ginweb_app,
    }


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, item in document["paths"].items()
        for method, op in item.items()
    ]


async def test_errors_are_documented_as_problems_and_never_as_422(platform: Platform) -> None:
    wrong = []
    for name, app in apps(platform).items():
        document = app.openapi()
        assert "HTTPValidationError" not in document.get("components", {}).get("schemas", {}), name
        for label, operation in operations(document):
            for status, response in operation["responses"].items():
                if status == "422":
                    wrong.append(f"{name} {label}: 422")
                elif status >= "400" and PROBLEM_MEDIA_TYPE not in response.get("content", {}):
                    wrong.append(f"{name} {label}: {status} not problem+json")
    assert wrong == []


async def test_every_operation_that_takes_input_declares_400(platform: Platform) -> None:
    document = platform.gateway_routes.openapi()
    for label, operation in operations(document):
        if operation.get("parameters") or operation.get("requestBody"):
            assert "400" in operation["responses"], label
        assert {"401", "503"} <= set(operation["responses"]), label  # mTLS and the bus, everywhere


async def test_every_link_leads_to_an_operation_of_the_same_document(platform: Platform) -> None:
    for name, app in apps(platform).items():
        document = app.openapi()
        ids = {operation.get("operationId") for _, operation in operations(document)}
        for label, operation in operations(document):
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    assert link["operationId"] in ids, (name, label, link)
    pushes = platform.gateway_routes.openapi()["paths"][
        "/v1/etablissements/{uai}/annees/{annee}/emploi-du-temps"
    ]
    assert pushes["post"]["responses"]["202"]["links"]["etat"]["operationId"] == "etat_synchronisation"
