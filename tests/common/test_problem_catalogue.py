"""The error catalogue cannot drift: every code raised anywhere (the error tree's default codes, every
``code="…"`` literal at a raise site, the formats' codes and the import reports' per-record codes) has
its page, and a problem's ``type`` resolves to that page on the service that answered."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import httpx

import services
from services.common.formats import errors as format_codes
from services.common.problem_catalogue import catalogue, error_classes
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if not module.name.endswith("__main__") and ".migrations" not in module.name:
            importlib.import_module(module.name)


def _literal_codes(tree: ast.AST) -> set[str]:
    """``code="x"`` keywords, ``Finding("x", …)`` records and ``return "x", title, detail`` verdicts."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    found.add(str(keyword.value.value))
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "Finding" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3:
            first = node.value.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and CODE.match(first.value):
                found.add(first.value)
    return found


def raised_codes() -> dict[str, str]:
    """Every literal code of the services' source, with a file that raises it."""
    codes: dict[str, str] = {}
    for path in sorted((ROOT / "services").rglob("*.py")):
        if "migrations" in path.parts or "demo" in path.parts:
            continue  # demo data builds models with code= fields (civilités), not errors
        for code in _literal_codes(ast.parse(path.read_text())):
            codes.setdefault(code, str(path.relative_to(ROOT)))
    return codes


def test_the_scan_finds_the_raise_sites_it_must_see() -> None:
    codes = raised_codes()
    assert codes["curseur-perime"] == "services/common/pull/exporting.py"
    assert "matiere-inconnue" in codes  # a per-record verdict (return "code", title, detail)
    assert "eleve-inconnu" in codes  # a Finding
    assert len(codes) > 80


def test_every_literal_code_raised_in_the_services_is_in_the_catalogue() -> None:
    missing = {code: where for code, where in raised_codes().items() if code not in catalogue()}
    assert missing == {}


def test_every_class_of_the_error_tree_has_its_default_code_in_the_catalogue() -> None:
    _import_every_module()
    classes = error_classes()
    assert len(classes) > 20  # the walk reached the services' own classes (GIN-WEB's, auth's, formats')
    assert {cls.default_code for cls in classes} <= set(catalogue())


def test_every_format_code_is_in_the_catalogue_with_its_status() -> None:
    for code in format_codes.TITLES:
        assert {400, 413} & set(catalogue()[code].statuses), code
    assert catalogue()["xml-mal-forme"].title == format_codes.TITLES["xml-mal-forme"]


def test_every_entry_is_french_and_has_an_http_status_or_is_a_report_line() -> None:
    for code, entry in catalogue().items():
        assert CODE.match(code), code
        assert entry.title
        assert entry.advice
        assert all(s == 0 or 400 <= s < 600 for s in entry.statuses), code


async def test_a_problem_type_resolves_to_the_catalogue_page_that_explains_its_code() -> None:
    app = create_app(GatewaySettings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://gateway.test") as client:
        problem = (await client.get("/v1/moi")).json()  # no certificate
        assert problem["code"] == "certificat-absent"
        page = await client.get(str(httpx.URL("https://gateway.test/v1/moi").join(problem["type"])))
        assert page.status_code == 200
        assert "certificat-absent" in page.text
        assert catalogue()["certificat-absent"].title.replace("'", "&#39;") in page.text
        listing = await client.get("/docs/erreurs.json")
    assert {item["code"] for item in listing.json()} == set(catalogue())
