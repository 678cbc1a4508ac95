"""The OpenAPI document editors read: every route documented in French, with examples and its codes."""

from __future__ import annotations

from typing import Any

from services.common.problem_catalogue import catalogue
from services.gateway.app import create_app
from services.gateway.openapi_doc import codes_of
from services.gateway.route_docs import ROUTES
from services.gateway.settings import GatewaySettings


def document() -> dict[str, Any]:
    return create_app(GatewaySettings()).openapi()


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in document()["paths"].items() for m, op in ops.items()]


def test_every_route_has_its_documentation_entry_and_no_entry_is_stale() -> None:
    found = {(method, path) for method, path, _ in operations()}
    assert found == set(ROUTES)


def test_every_route_has_a_french_summary_description_and_an_example_answer() -> None:
    for method, path, operation in operations():
        doc = ROUTES[(method, path)]
        assert operation["summary"] == doc.summary
        assert operation["description"].strip()
        success = next(s for s in operation["responses"] if s.startswith("2"))
        media = operation["responses"][success]["content"]
        assert any("example" in item for item in media.values()), (method, path)
    summaries = [op["summary"] for _, _, op in operations()]
    assert "Who Am I" not in summaries
    assert "Get Sync" not in summaries


def test_every_problem_code_of_a_route_is_catalogued_and_answered_with_its_status() -> None:
    entries = catalogue()
    for method, path, operation in operations():
        codes = codes_of(ROUTES[(method, path)])
        assert operation["x-problemes"] == codes
        for code in codes:
            assert code in entries, code
            for status in entries[code].statuses:
                examples = operation["responses"][str(status)]["content"]["application/problem+json"]
                assert examples["examples"][code]["value"]["title"] == entries[code].title


def test_pushes_show_an_example_file_and_authentication_is_a_client_certificate() -> None:
    doc = document()
    assert doc["security"] == [{"certificatClient": []}]
    assert doc["components"]["securitySchemes"]["certificatClient"]["type"] == "mutualTLS"
    push = doc["paths"]["/v1/etablissements/{uai}/annees/{annee}/liens-eleves-groupes"]["post"]
    assert "<IMPORT_ELEVES>" in push["requestBody"]["content"]["application/xml"]["example"]
