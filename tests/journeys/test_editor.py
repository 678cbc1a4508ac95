"""The editor's journey: the `netsynchro` command in a shell, against the platform as `make run` starts it.

`pull eleves > f.xml` writes exactly the export (our reader parses it), the summary going to standard
error; `push --simulation` prints the verdict; a push of a file with errors prints every error with its
line; `pull … | head -1` ends quietly with 0; `can-run` tells the two `emploi-du-temps` apart.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from playwright.sync_api import BrowserContext, expect

from services.common.formats.bee_eleves import read_bee_eleves
from tests.journeys.conftest import Screenshots
from tests.journeys.helpers import (
    demo_school,
    sign_in_supervision,
    timetable_with_unknown_divisions,
    wait_for_sync,
)
from tests.journeys.platform import NETSYNCHRO, Netsynchro, RunningPlatform

pytestmark = pytest.mark.browser
SCHOOL = "0750702F"


def test_pull_to_standard_output_is_the_file_and_nothing_else(netsynchro: Netsynchro) -> None:
    target = netsynchro.folder / "f.xml"
    with target.open("wb") as out:
        done = netsynchro.run(
            "pronote", SCHOOL, "pull", "eleves", *netsynchro.school(SCHOOL), stdout=out.fileno()
        )

    assert done.returncode == 0, done.stderr.decode()
    eleves = read_bee_eleves(target.read_bytes(), filename="ElevesAvecAdresses.xml")
    assert eleves.parametres.uaj == SCHOOL
    assert eleves.donnees.eleves
    summary = done.stderr.decode()
    assert summary.startswith("eleves : ")
    assert f"{target.stat().st_size} octets" in summary

    as_json = netsynchro.run(
        "pronote",
        SCHOOL,
        "pull",
        "eleves",
        *netsynchro.school(SCHOOL),
        "--json",
        "-o",
        str(netsynchro.folder / "g.xml"),
    )
    document = json.loads(as_json.stdout)  # exactly one JSON document
    assert (document["flux"], document["octets"]) == ("eleves", target.stat().st_size)


def test_a_closed_pipe_ends_quietly_with_zero(netsynchro: Netsynchro) -> None:
    pull = f"'{NETSYNCHRO}' pull eleves --uai {SCHOOL} --annee {netsynchro.platform.year}"
    command = f"{pull} | head -1; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(
        ["/bin/bash", "-c", command],
        env=netsynchro.environment("pronote", SCHOOL),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>')
    assert done.stdout.count(b"\n") == 1
    assert b"Traceback" not in done.stderr


def test_a_push_with_errors_prints_every_error_with_its_line(
    platform: RunningPlatform, netsynchro: Netsynchro, context: BrowserContext, screenshots: Screenshots
) -> None:
    file = netsynchro.folder / "emp_sts.xml"
    file.write_bytes(timetable_with_unknown_divisions(demo_school(platform, SCHOOL), "9 Z", "9 Y", "9 X"))
    school = netsynchro.school(SCHOOL)

    simulated = netsynchro.run(
        "edt", SCHOOL, "push", "emploi-du-temps", str(file), *school, "--simulation", "--json"
    )
    verdict = json.loads(simulated.stdout)
    assert (simulated.returncode, verdict["etat"], verdict["simulation"]) == (0, "partially_applied", True)
    assert len(verdict["rapport"]) == 3
    told = netsynchro.run("edt", SCHOOL, "push", "emploi-du-temps", str(file), *school, "--simulation")
    assert "appliquée en partie — simulation, rien n'a été modifié" in told.stdout.decode()

    pushed = netsynchro.run("edt", SCHOOL, "push", "emploi-du-temps", str(file), *school, "--wait")
    report = pushed.stdout.decode()
    assert pushed.returncode == 0, pushed.stderr.decode()
    assert "3 problème(s)" in report
    for entry in verdict["rapport"]:
        assert f"ligne {entry['line']} : [{entry['code']}] {entry['title']}" in report
        assert entry["detail"] in report
        assert f"à {entry['path']}" in report
    assert "partially_applied" not in report

    sync_id = report.split()[1]
    wait_for_sync(platform, sync_id, {"partially_applied"})
    page = context.new_page()
    sign_in_supervision(page, platform, "demo.national")
    page.goto(f"{platform.supervision_url}/synchronisations/{sync_id}")
    expect(page.locator("#report tbody tr")).to_have_count(3)
    screenshots.take(page, "import-avec-erreurs")


def test_can_run_tells_the_export_from_the_import_and_unknown_flows_name_the_known_ones(
    netsynchro: Netsynchro,
) -> None:
    flows = netsynchro.run("edt", SCHOOL, "can-run", *netsynchro.school(SCHOOL)).stdout.decode().splitlines()
    assert any(line.startswith("✔ emploi-du-temps (export : pull)") for line in flows)
    assert any(line.startswith("✔ emploi-du-temps (import : push)") for line in flows)

    unknown = netsynchro.run("edt", SCHOOL, "pull", "eleve", *netsynchro.school(SCHOOL))
    assert unknown.returncode == 2
    assert "flux inconnu « eleve »" in unknown.stderr.decode()
    assert "eleves, responsables, nomenclatures" in unknown.stderr.decode()

    wrong_password = netsynchro.run("edt", SCHOOL, "whoami", "--password", "faux")
    assert wrong_password.returncode == 7  # not "platform unreachable" (6)
    assert "mot de passe du PKCS#12 incorrect" in wrong_password.stderr.decode()
