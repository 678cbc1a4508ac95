"""The supervisor's journey, on the platform as `make run` starts it, in Debian's chromium.

An editor pushes, with the demo certificates and the `netsynchro` command, a timetable with bad records:
the sync's page shows each bad record's line, path, code and French message. A timetable that would
remove most services is held: the supervisor follows the alert to the sync's page, sees what it would
remove, searches the list, approves it with a reason; another supervisor rejects another one; each import
ends in the right state and the editor's `netsynchro wait` says so. A certificate the operator issues for
ten days is listed on the dashboard among those expiring within 30 days; a revoked certificate that the
school's software keeps using raises the alert with its serial and editor.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from cryptography import x509
from netsynchro import Certificate
from playwright.sync_api import BrowserContext, Page, expect

from services.common.identity import serial_hex
from tests.journeys.conftest import Screenshots
from tests.journeys.helpers import (
    demo_school,
    refused_as_revoked,
    request_pkcs12,
    revoke,
    serial_of_pkcs12,
    sign_in_portal,
    sign_in_supervision,
    timetable_with_unknown_divisions,
    truncated_timetable,
    wait_for_sync,
    wait_until,
)
from tests.journeys.platform import ROOT, Netsynchro, RunningPlatform

pytestmark = pytest.mark.browser
TOULOUSE_SCHOOL = "0310053P"  # demo.toulouse watches it
BORDEAUX_SCHOOL = "0332490C"  # only demo.national watches it
PARIS_SCHOOL = "0750702F"
EXIT_NOT_NOW, EXIT_REJECTED = 4, 5


def push(netsynchro: Netsynchro, uai: str, name: str, data: bytes, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    """`netsynchro push emploi-du-temps FILE --wait --json`: exit code and the one JSON document."""
    file = netsynchro.folder / name
    file.write_bytes(data)
    done = netsynchro.run(
        "edt", uai, "push", "emploi-du-temps", str(file), *netsynchro.school(uai), "--wait", "--json", *extra
    )
    return done.returncode, json.loads(done.stdout)


def test_the_sync_page_shows_each_bad_record_with_its_line_path_code_and_message(
    platform: RunningPlatform, netsynchro: Netsynchro, context: BrowserContext, screenshots: Screenshots
) -> None:
    school = demo_school(platform, TOULOUSE_SCHOOL)
    code, status = push(
        netsynchro, TOULOUSE_SCHOOL, "emp_sts.xml", timetable_with_unknown_divisions(school, "9 Z", "9 Y")
    )
    assert (code, status["etat"]) == (0, "partially_applied")
    report = status["rapport"]
    assert len(report) == 2
    wait_for_sync(platform, status["sync_id"], {"partially_applied"})

    page = context.new_page()
    sign_in_supervision(page, platform, "demo.toulouse")
    page.goto(f"{platform.supervision_url}/synchronisations/{status['sync_id']}")
    expect(page.locator(".page-head .badge")).to_have_text("appliquée en partie")
    rows = page.locator("#report tbody tr")
    expect(rows).to_have_count(len(report))
    for entry in report:
        row = rows.filter(has_text=entry["detail"])
        expect(row).to_have_count(1)
        for shown in (str(entry["line"]), entry["path"], entry["code"], entry["title"]):
            expect(row).to_contain_text(shown)
    _no_raw_codes(page)
    screenshots.take(page, "rapport-par-enregistrement")


def test_a_held_import_is_approved_by_one_supervisor_and_another_is_rejected_by_another(
    platform: RunningPlatform, netsynchro: Netsynchro, context: BrowserContext, screenshots: Screenshots
) -> None:
    page = context.new_page()
    sign_in_supervision(page, platform, "demo.toulouse")  # the dashboard stays open: alerts come live
    code, held = push(
        netsynchro,
        TOULOUSE_SCHOOL,
        "tronque.xml",
        truncated_timetable(demo_school(platform, TOULOUSE_SCHOOL)),
    )
    assert (code, held["etat"]) == (EXIT_NOT_NOW, "held")
    removed = held["compteurs"]["SERVICE.removed"]

    alert = page.locator("#open-alerts li.alert").filter(has_text=f"retenu pour {TOULOUSE_SCHOOL}")
    expect(alert).to_be_visible()
    screenshots.take(page, "tableau-de-bord-alerte-import-retenu")
    alert.get_by_role("link", name="Voir ce qu'il supprimerait et décider").click()
    expect(page).to_have_url(f"{platform.supervision_url}/synchronisations/{held['sync_id']}")
    _sees_what_it_would_remove(page, removed)
    screenshots.take(page, "import-retenu")

    _decide(page, "Approuver", "Fin d'année : l'établissement a fermé ses classes de seconde.")
    screenshots.take(page, "import-retenu-confirmation")
    page.get_by_role("button", name="Confirmer l'approbation").click()
    expect(page.get_by_role("status")).to_contain_text("Décision « approuver » transmise")
    expect(page.locator(".page-head .badge")).to_have_text("appliquée")  # the page follows the import
    expect(page.locator("#timeline")).to_contain_text("approuvé par demo.toulouse")
    screenshots.take(page, "import-approuve")
    waited = netsynchro.run("edt", TOULOUSE_SCHOOL, "wait", held["sync_id"])
    assert waited.returncode == 0, waited.stderr.decode()
    assert "appliquée" in waited.stdout.decode()
    assert "Motif : Fin d'année" in waited.stdout.decode()

    code, other = push(
        netsynchro,
        BORDEAUX_SCHOOL,
        "tronque.xml",
        truncated_timetable(demo_school(platform, BORDEAUX_SCHOOL)),
    )
    assert (code, other["etat"]) == (EXIT_NOT_NOW, "held")
    wait_for_sync(platform, other["sync_id"], {"held"})
    outside = page.goto(f"{platform.supervision_url}/synchronisations/{other['sync_id']}")
    assert outside is not None
    assert outside.status == 404  # Bordeaux is not demo.toulouse's académie

    national = context.browser.new_context(locale="fr-FR") if context.browser else None
    assert national is not None
    second = national.new_page()
    sign_in_supervision(second, platform, "demo.national")
    second.goto(f"{platform.supervision_url}/synchronisations/{other['sync_id']}")
    _sees_what_it_would_remove(second, other["compteurs"]["SERVICE.removed"])
    _decide(second, "Rejeter", "Fichier tronqué : export EDT incomplet, à refaire.")
    second.get_by_role("button", name="Confirmer le rejet").click()
    expect(second.locator(".page-head .badge")).to_have_text("rejetée")
    waited = netsynchro.run("edt", BORDEAUX_SCHOOL, "wait", other["sync_id"])
    assert waited.returncode == EXIT_REJECTED
    assert "rejetée" in waited.stderr.decode()
    assert "refusé par demo.national" in waited.stderr.decode()
    national.close()


def test_a_revoked_certificate_in_use_raises_an_alert_with_its_serial_and_editor(
    platform: RunningPlatform, netsynchro: Netsynchro, context: BrowserContext, screenshots: Screenshots
) -> None:
    head = context.browser.new_context(locale="fr-FR", accept_downloads=True) if context.browser else None
    assert head is not None
    portal = head.new_page()
    sign_in_portal(portal, platform, PARIS_SCHOOL)
    bundle, password = request_pkcs12(portal, netsynchro.folder, "Index Éducation — Pronote")
    serial = serial_of_pkcs12(bundle, password)
    revoke(portal, platform, serial)
    head.close()
    refused_as_revoked(platform, Certificate.from_pkcs12(bundle, password))  # the gateway knows it now
    school = netsynchro.school(PARIS_SCHOOL)
    target = str(netsynchro.folder / "Structures.xml")
    for _ in range(2):  # the school's software keeps trying its daily pull
        pull = ("pull", "structures", *school, "-o", target, "--password", password)
        tried = netsynchro.run("pronote", PARIS_SCHOOL, *pull, p12=bundle)
        assert tried.returncode == 3

    page = context.new_page()
    sign_in_supervision(page, platform, "demo.national")
    alert = page.locator("#open-alerts li.alert").filter(has_text="Certificat révoqué")
    expect(alert).to_contain_text(re.compile(serial, re.IGNORECASE))
    expect(alert).to_contain_text("index-education")
    expect(alert).to_contain_text(PARIS_SCHOOL)
    screenshots.take(page, "tableau-de-bord-certificat-revoque")


def test_a_certificate_expiring_within_30_days_is_listed(
    platform: RunningPlatform, netsynchro: Netsynchro, context: BrowserContext, screenshots: Screenshots
) -> None:
    issued = subprocess.run(  # the operator issues a stand-in certificate valid for ten days
        [
            sys.executable, "-m", "services.ginweb.cli", "issue-cert", "--uai", PARIS_SCHOOL,
            "--editor", "index-education", "--product", "pronote", "--out", str(netsynchro.folder),
            "--ca", str(platform.certs), "--days", "10", "--register",
        ],
        cwd=ROOT, env=platform.service_env("ginweb"), capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr.decode()
    leaf = x509.load_pem_x509_certificates(
        (netsynchro.folder / f"index-education-pronote-{PARIS_SCHOOL}.crt.pem").read_bytes()
    )[0]
    serial = serial_hex(leaf.serial_number)
    wait_until(
        platform,
        lambda api: serial.lower() in api.get("/api/certificates/expiring?days=30").text.lower() or None,
    )

    page = context.new_page()
    sign_in_supervision(page, platform, "demo.national")
    card = page.locator(".card").filter(
        has=page.get_by_role("heading", name="Certificats expirant sous 30 jours")
    )
    row = card.locator("tr").filter(has_text=PARIS_SCHOOL)
    expect(row).to_contain_text(leaf.not_valid_after_utc.strftime("%d/%m/%Y"))
    expect(row).to_contain_text("index-education")
    screenshots.take(page, "tableau-de-bord-certificat-expirant")


def _sees_what_it_would_remove(page: Page, removed: int) -> None:
    held = page.locator("#held")
    expect(held.locator(".held-counts")).to_contain_text(f"{removed} services supprimé(s)")
    items = held.locator(".held-list li")
    first = items.first.inner_text()
    search = page.get_by_label("Rechercher dans la liste")
    search.fill(first)
    expect(items.filter(has_text=first).first).to_be_visible()
    expect(page.locator("#held-search-count")).to_contain_text(" sur ")
    search.fill("")
    _no_raw_codes(page)


def _decide(page: Page, button: str, reason: str) -> None:
    page.get_by_label("Motif de la décision").fill(reason)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#confirmation")).to_contain_text(reason)


def _no_raw_codes(page: Page) -> None:
    """No English slug of a state or a counter reaches the page."""
    text = page.locator("main").inner_text()
    for raw in ("partially_applied", "SERVICE.removed", "(held)", "added", "removed"):
        assert raw not in text, raw
