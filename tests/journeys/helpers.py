"""What the journeys do often: sign in, wait for a sync to reach a state, build the editor's files."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from cryptography.hazmat.primitives.serialization import pkcs12
from netsynchro import Certificate
from playwright.sync_api import Page, expect

from services.common.demo import DemoSchool, demo_schools
from services.common.formats import edt_sts as edt
from services.common.formats.edt_sts import write_edt_sts
from services.common.identity import serial_hex
from services.common.pull.seeding import DEMO_SEED
from tests.journeys.platform import PASSWORD, RunningPlatform

T = TypeVar("T")
API_TOKEN = "netsynchro-dev"  # `make run`'s development API token, printed in its banner


def demo_school(platform: RunningPlatform, uai: str) -> DemoSchool:
    """The school as `make run` seeded it (same generator, same seed)."""
    return next(s for s in demo_schools(platform.year, seed=DEMO_SEED) if s.uai == uai)


def timetable_with_unknown_divisions(school: DemoSchool, *codes: str) -> bytes:
    """The school's timetable with divisions STS does not know: those records are rejected, the rest
    applies."""
    model = copy.deepcopy(school.edt_sts)
    model.divisions.extend(edt.Division(code=code) for code in codes)
    return write_edt_sts(model)


def truncated_timetable(school: DemoSchool) -> bytes:
    """A timetable cut short (two divisions, no group), what a failed export from EDT looks like: it
    would remove most of the school's services, so the safety valve holds it."""
    model = copy.deepcopy(school.edt_sts)
    model.divisions, model.groupes = model.divisions[:2], []
    return write_edt_sts(model)


def sign_in_supervision(page: Page, platform: RunningPlatform, username: str) -> None:
    page.goto(f"{platform.supervision_url}/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def sign_in_portal(page: Page, platform: RunningPlatform, uai: str) -> None:
    page.goto(f"{platform.ginweb_url}/connexion")
    page.get_by_label("Identifiant").fill(f"chef.{uai.lower()}")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=f"Certificats de l'établissement {uai}")).to_be_visible()


def wait_for_sync(platform: RunningPlatform, sync_id: str, states: Iterable[str]) -> dict[str, Any]:
    """The sync as supervision records it, once it is in one of ``states``."""
    wanted = set(states)

    def found(client: httpx.Client) -> dict[str, Any] | None:
        current = client.get(f"/api/syncs/{sync_id}")
        if current.status_code == 200 and current.json()["state"] in wanted:
            sync: dict[str, Any] = current.json()
            return sync
        return None

    return wait_until(platform, found)


def wait_until(platform: RunningPlatform, check: Callable[[httpx.Client], T | None]) -> T:
    """What ``check`` finds in supervision's API, once it finds something: the live feed is opened
    first, then the API is read, and read again after each event, so no change can be missed."""
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    timeout = httpx.Timeout(10.0, read=120.0)
    with (
        httpx.Client(base_url=platform.supervision_url, headers=headers, timeout=timeout) as client,
        client.stream("GET", "/api/live") as feed,
    ):
        lines = feed.iter_lines()
        for opening in lines:
            if opening == "event: ready":
                break
        result = check(client)
        while result is None:
            line = next(lines, None)
            if line is None:
                raise AssertionError("supervision's live feed ended before the awaited change")
            if line.startswith("data: "):
                result = check(client)
        return result


# -- GIN-WEB portal ------------------------------------------------------------------------------------
def request_pkcs12(page: Page, folder: Path, product_label: str) -> tuple[Path, str]:
    """Ask for a certificate delivered as a PKCS#12 file; returns the downloaded file and its password."""
    page.get_by_role("link", name="Demander un certificat").click()
    page.get_by_label("Logiciel (éditeur et produit habilités)").select_option(label=product_label)
    return _download_pkcs12(page, folder, "Délivrer le certificat")


def renew_as_pkcs12(page: Page, folder: Path) -> tuple[Path, str]:
    """From a certificate's page: renew it, the new one delivered as a PKCS#12 file."""
    page.get_by_role("link", name="Renouveler ce certificat").click()
    return _download_pkcs12(page, folder, "Renouveler")


def _download_pkcs12(page: Page, folder: Path, button: str) -> tuple[Path, str]:
    page.get_by_label("Télécharger un fichier PKCS#12").check()
    password = page.get_by_label("Mot de passe du fichier").input_value()
    with page.expect_download() as download_info:
        page.get_by_role("button", name=button, exact=True).click()
    download = download_info.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return saved, password


def serial_of_pkcs12(bundle: Path, password: str) -> str:
    opened = pkcs12.load_pkcs12(bundle.read_bytes(), password.encode())
    assert opened.cert is not None
    return serial_hex(opened.cert.certificate.serial_number)


def revoke(page: Page, platform: RunningPlatform, serial: str) -> None:
    """From the portal: open the certificate, choose a reason, confirm, revoke."""
    page.goto(f"{platform.ginweb_url}/certificats/{serial}")
    page.get_by_label("Motif").select_option("keyCompromise")
    page.get_by_label("Je confirme la révocation").check()
    page.get_by_role("button", name="Révoquer le certificat").click()
    expect(page.get_by_role("status")).to_contain_text("est révoqué")


def refused_as_revoked(platform: RunningPlatform, certificate: Certificate) -> dict[str, Any]:
    """Ask the gateway on one kept-alive connection until it refuses ``certificate`` as revoked (the
    revocation reaches it through the bus); returns the problem it answered."""
    context = certificate.ssl_context(platform.certs / "root-ca.pem")
    with httpx.Client(base_url=platform.gateway_url, verify=context, timeout=30) as client:
        for _ in range(2_000):
            answer = client.get("/v1/moi")
            if answer.status_code != 200:
                problem: dict[str, Any] = answer.json()
                assert problem["code"] == "certificat-revoque", problem
                return problem
    raise AssertionError("the gateway still accepts the revoked certificate")
