"""The one container image: a linted Dockerfile, non-root and slim, whose entry point starts each
service and runs the migrations (the entry point is run here for real; the image cannot be built
on a machine without a Docker engine)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.deploy.kube import tool

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"


def entrypoint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(
        [str(ENTRYPOINT), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [tool("hadolint"), str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_slim_and_runs_as_a_numeric_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert all("slim" in line for line in re.findall(r"^FROM .*$", dockerfile, re.MULTILINE))
    (user,) = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user.split(":")[0].isdigit()
    assert int(user.split(":")[0]) != 0


def test_every_service_of_the_entry_point_has_a_main_module() -> None:
    (listed,) = re.findall(r"^\s+(gateway \|[^)]*)\)", ENTRYPOINT.read_text(), re.MULTILINE)
    services = [name.strip() for name in listed.split("|")]
    assert services == ["gateway", "bee", "sts", "supervision", "ginweb"]
    for service in services:
        assert (ROOT / "services" / service / "__main__.py").exists()


def test_the_entry_point_runs_the_migrations(tmp_path: Path) -> None:
    database = tmp_path / "sts.db"
    result = entrypoint("migrate", "sts", "--url", f"sqlite+aiosqlite:///{database}", "upgrade", "head")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"alembic_version", "sts_school_year"} <= tables


def test_the_entry_point_refuses_an_unknown_service() -> None:
    result = entrypoint("nomenclatures")
    assert result.returncode == 64
    assert "usage" in result.stderr
