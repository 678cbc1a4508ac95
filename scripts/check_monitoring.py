"""`make deploy-check`'s monitoring part: the alert rules pass promtool and fire in their unit tests, and
every metric the rules and the Grafana dashboard query is one the services export (the table of
docs/deploy.md, which tests/operations/test_metrics.py checks against a running platform).

    python scripts/check_monitoring.py        # exit 0 when all is well, 1 with the reasons otherwise
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MONITORING = ROOT / "deploy" / "k8s" / "components" / "monitoring"
RULES = MONITORING / "prometheusrule.yaml"
RULES_TEST = MONITORING / "rules.test.yaml"
DASHBOARD = MONITORING / "dashboard.json"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
RULES_FILE = "netsynchro.rules.yaml"  # the name rules.test.yaml loads
_METRIC = re.compile(r"\b((?:netsynchro|http)_[a-z0-9_]+)\b")
_DOCUMENTED = re.compile(r"^\|\s*`((?:netsynchro|http)_[a-z0-9_]+)`", re.MULTILINE)
_SERIES_SUFFIXES = ("_bucket", "_sum", "_count")


def rule_groups() -> dict[str, object]:
    """The ``groups:`` of the PrometheusRule, as promtool reads a rules file."""
    resource = yaml.safe_load(RULES.read_text())
    return {"groups": resource["spec"]["groups"]}


def rule_expressions() -> list[str]:
    return [rule["expr"] for group in rule_groups()["groups"] for rule in group["rules"]]  # type: ignore[attr-defined]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def metric_names(expressions: list[str]) -> set[str]:
    return {name for expression in expressions for name in _METRIC.findall(expression)}


def documented_metrics() -> set[str]:
    """The metric families listed in docs/deploy.md's table (rows starting with | `name`)."""
    return set(_DOCUMENTED.findall(DEPLOY_DOC.read_text()))


def family(name: str, families: set[str]) -> str | None:
    """The family a series name belongs to (a histogram's _bucket, _sum and _count are its own)."""
    if name in families:
        return name
    for suffix in _SERIES_SUFFIXES:
        if name.endswith(suffix) and name.removesuffix(suffix) in families:
            return name.removesuffix(suffix)
    return None


def unknown_metrics(families: set[str]) -> set[str]:
    used = metric_names(rule_expressions()) | metric_names(dashboard_expressions())
    return {name for name in used if family(name, families) is None}


def run_promtool(promtool: str) -> list[str]:
    """``promtool check rules`` then ``promtool test rules``; the failures' output, empty when all pass."""
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / RULES_FILE
        rules.write_text(yaml.safe_dump(rule_groups(), allow_unicode=True, sort_keys=False))
        shutil.copy(RULES_TEST, Path(folder) / RULES_TEST.name)
        for command in (["check", "rules", RULES_FILE], ["test", "rules", RULES_TEST.name]):
            done = subprocess.run(  # noqa: S603
                [promtool, *command], cwd=folder, capture_output=True, text=True, timeout=120, check=False
            )
            if done.returncode != 0:
                failures.append(f"promtool {' '.join(command)} :\n{done.stdout}{done.stderr}")
    return failures


def main() -> int:
    promtool = shutil.which("promtool")
    if promtool is None:
        print("promtool est introuvable : `make system-deps` l'installe (paquet Debian prometheus).")
        return 1
    failures = run_promtool(promtool)
    unknown = unknown_metrics(documented_metrics())
    if unknown:
        failures.append(
            "métriques interrogées par les règles ou le tableau de bord mais absentes du tableau de "
            "docs/deploy.md : " + ", ".join(sorted(unknown))
        )
    for failure in failures:
        print(failure)
    if not failures:
        print("règles d'alerte : promtool les accepte et chacune se déclenche dans ses tests unitaires")
        print("tableau de bord : chaque requête interroge une métrique exportée")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
