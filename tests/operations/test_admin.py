"""`netsynchro-admin` against the running platform (real nats-server, the services' real databases):
an operator manages accounts, revokes a certificate the gateway then refuses, looks at held imports,
asks for a rollover step; each refusal has its exit code and a French sentence, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from tests.journeys.helpers import demo_school, truncated_timetable, wait_for_sync
from tests.journeys.platform import Netsynchro, RunningPlatform
from tests.operations.conftest import Admin, editor_client

SCHOOL = "0750702F"
PASSWORD, NEW_PASSWORD = "Exploitation-2026-sure", "Nouveau-mot-2026-sur"


def sign_in(platform: RunningPlatform, username: str, password: str) -> int:
    """The console's sign-in form, as a browser posts it; the answer's status (303: signed in)."""
    with httpx.Client(base_url=platform.supervision_url, timeout=60) as browser:
        page = browser.get("/connexion")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None
        form = {"username": username, "password": password, "csrf_token": csrf.group(1), "suite": "/"}
        return browser.post("/connexion", data=form).status_code


def assert_clean(done: object) -> None:
    assert "Traceback" not in getattr(done, "stderr", "")


def test_help_is_in_french_for_every_command(admin: Admin) -> None:
    for command in ([], ["comptes"], ["certificats", "revoquer"], ["imports", "decider"], ["bascule"]):
        done = admin.run(*command, "--help")
        assert done.returncode == 0, done.stderr
        assert "utilisation : netsynchro-admin" in done.stdout
        assert "show this help" not in done.stdout
    wrong = admin.run("certificats", "revoquer")
    assert wrong.returncode == 2
    assert "arguments obligatoires manquants" in wrong.stderr


def test_supervision_account_created_locked_out_unlocked_reset_and_disabled(
    admin: Admin, platform: RunningPlatform
) -> None:
    created = admin.run(
        "comptes", "creer", "--console", "supervision", "ops.toulouse", "--academie", "toulouse",
        "--mot-de-passe-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert sign_in(platform, "ops.toulouse", PASSWORD) == 303
    again = admin.run(
        "comptes", "creer", "--console", "supervision", "ops.toulouse", "--academie", "toulouse", "--oidc"
    )
    assert again.returncode == 1
    assert "existe déjà" in again.stderr

    # Wrong passwords until sign-in is slowed down (each failure past the free ones doubles the wait,
    # so the attempts catch up with it), then the operator unlocks the account.
    assert sign_in(platform, "ops.toulouse", "mauvais") == 401
    while sign_in(platform, "ops.toulouse", "mauvais") != 429:
        pass
    unlocked = admin.run(
        "comptes", "deverrouiller", "--console", "supervision", "ops.toulouse", "--adresse", "127.0.0.1"
    )
    assert unlocked.returncode == 0, unlocked.stderr
    assert "déverrouillé" in unlocked.stdout
    # Its failures are forgotten: the free ones are free again (without the unlock, the wait doubled at
    # each failure would refuse one of them), and the right password signs in.
    assert [sign_in(platform, "ops.toulouse", "mauvais") for _ in range(4)] == [401] * 4
    assert sign_in(platform, "ops.toulouse", PASSWORD) == 303

    reset = admin.run(
        "comptes", "reinitialiser-mot-de-passe", "--console", "supervision", "ops.toulouse",
        "--mot-de-passe-stdin", stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert sign_in(platform, "ops.toulouse", NEW_PASSWORD) == 303
    assert sign_in(platform, "ops.toulouse", PASSWORD) == 401
    weak = admin.run(
        "comptes", "reinitialiser-mot-de-passe", "--console", "supervision", "ops.toulouse",
        "--mot-de-passe-stdin", stdin="court\n",
    )  # fmt: skip
    assert weak.returncode == 1
    assert "refusé [" in weak.stderr

    disabled = admin.run("comptes", "desactiver", "--console", "supervision", "ops.toulouse")
    assert disabled.returncode == 0, disabled.stderr
    assert sign_in(platform, "ops.toulouse", NEW_PASSWORD) == 401
    enabled = admin.run("comptes", "reactiver", "--console", "supervision", "ops.toulouse")
    assert enabled.returncode == 0
    assert sign_in(platform, "ops.toulouse", NEW_PASSWORD) == 303

    unknown = admin.run("comptes", "desactiver", "--console", "ginweb", "personne")
    assert unknown.returncode == 3
    assert "introuvable [compte-absent]" in unknown.stderr
    head = admin.run("comptes", "creer", "--console", "ginweb", "chef.test", "--uai", SCHOOL, "--oidc")
    assert head.returncode == 0, head.stderr
    assert_clean(head)


def test_a_certificate_revoked_by_serial_is_refused_by_the_gateway(
    admin: Admin, platform: RunningPlatform
) -> None:
    manifest = platform.manifest()
    clients = manifest["clients"]
    assert isinstance(clients, list)
    client = next(c for c in clients if c["uai"] == SCHOOL and c["product"] == "pronote")
    listed = admin.run("certificats", "lister", "--uai", SCHOOL)
    assert listed.returncode == 0, listed.stderr
    assert client["serial"] in listed.stdout
    shown = admin.run("certificats", "voir", client["serial"].lower())
    assert shown.returncode == 0, shown.stderr
    assert f"établissement   : {SCHOOL}" in shown.stdout
    assert "état            : valide" in shown.stdout

    revoked = admin.run("certificats", "revoquer", client["serial"], "--motif", "keyCompromise")
    assert revoked.returncode == 0, revoked.stderr
    assert "révoqué" in revoked.stdout
    url = f"/v1/etablissements/{SCHOOL}/annees/{platform.year}/nomenclatures"
    with editor_client(platform, "pronote", SCHOOL) as editor:
        answer = editor.get(url)
        while (
            answer.status_code == 200
        ):  # the revocation travels by the bus: wait for the gateway to apply it
            answer = editor.get(url)
    assert answer.status_code == 401
    assert answer.json()["code"] == "certificat-revoque"

    twice = admin.run("certificats", "revoquer", client["serial"], "--motif", "keyCompromise")
    assert twice.returncode == 1
    assert "déjà révoqué" in twice.stderr
    missing = admin.run("certificats", "voir", "ABCDEF")
    assert missing.returncode == 3
    assert "introuvable [certificat-inconnu]" in missing.stderr
    garbage = admin.run("certificats", "voir", "pas-hexa")
    assert garbage.returncode == 1
    assert "serie-invalide" in garbage.stderr
    assert_clean(garbage)


def test_held_imports_listed_and_decisions_refused_on_what_is_not_held(
    admin: Admin, platform: RunningPlatform
) -> None:
    held = admin.run("imports", "retenus")
    assert held.returncode == 0, held.stderr
    assert "import(s) retenu(s)" in held.stderr
    unknown = admin.run("imports", "decider", "01JZZZZZZZZZZZZZZZZZZZZZZZ", "--approuver")
    assert unknown.returncode == 3, unknown.stderr
    with editor_client(platform, "edt", "0310053P") as editor:
        served = editor.get(f"/v1/etablissements/0310053P/annees/{platform.year}/nomenclatures")
    sync_id = served.headers["Sync-Id"]
    not_held = admin.run("imports", "decider", sync_id, "--rejeter", "--motif", "essai")
    # The export's sync reaches the journal through the bus: until then it is unknown (3), then refused (1).
    while not_held.returncode == 3:
        not_held = admin.run("imports", "decider", sync_id, "--rejeter", "--motif", "essai")
    assert not_held.returncode == 1
    assert "import-non-retenu" in not_held.stderr


def test_rollover_and_registry_go_through_the_running_services(
    admin: Admin, platform: RunningPlatform
) -> None:
    status = admin.run("bascule", "sts", "statut", "--uai", "0310053P", "--year", str(platform.year + 1))
    assert status.returncode == 0, status.stderr
    assert f"0310053P {platform.year + 1} :" in status.stdout
    editor = admin.run("registre", "ajouter-editeur", "--id", "editeur-essai", "--nom", "Éditeur d'essai")
    assert editor.returncode == 0, editor.stderr
    assert "éditeur editeur-essai ajouté" in editor.stdout
    twice = admin.run("registre", "ajouter-editeur", "--id", "editeur-essai")
    assert twice.returncode == 1
    assert_clean(twice)


def test_a_certificate_issued_outside_the_portal_is_listed_among_those_expiring(
    admin: Admin, platform: RunningPlatform, tmp_path: Path
) -> None:
    issued = admin.run(
        "pki", "emettre", "--uai", SCHOOL, "--editeur", "index-education", "--produit", "edt",
        "--dossier", str(tmp_path), "--ca", str(platform.certs), "--jours", "10", "--enregistrer",
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    serial = re.search(r"certificat (\S+) enregistré", issued.stdout)
    assert serial is not None, issued.stdout
    soon = admin.run("certificats", "lister", "--expire-sous", "30")
    assert soon.returncode == 0, soon.stderr
    assert serial.group(1) in soon.stdout
    later = admin.run("certificats", "lister", "--expire-sous", "5")
    assert serial.group(1) not in later.stdout


def test_an_unreachable_database_is_exit_code_4_without_traceback(admin: Admin) -> None:
    down = admin.run(
        "imports",
        "retenus",
        env={"SUPERVISION_DATABASE__URL": "postgresql+asyncpg://netsynchro@127.0.0.1:9/absente"},
    )
    assert down.returncode == 4, down.stderr
    assert "service injoignable" in down.stderr
    assert_clean(down)


def test_a_held_import_is_listed_and_approved_by_the_operator(
    admin: Admin, platform: RunningPlatform, tmp_path: Path
) -> None:
    """An editor's truncated timetable is held by the safety valve; the operator lists it and approves
    it; the editor's `netsynchro wait` sees it applied, with the operator's reason."""
    school = "0750702F"  # its edt certificate is never revoked by these tests
    netsynchro = Netsynchro(platform, tmp_path)
    timetable = tmp_path / "tronque.xml"
    timetable.write_bytes(truncated_timetable(demo_school(platform, school)))
    pushed = netsynchro.run(
        "edt",
        school,
        "push",
        "emploi-du-temps",
        str(timetable),
        *netsynchro.school(school),
        "--wait",
        "--json",
    )
    held = json.loads(pushed.stdout)
    assert held["etat"] == "held", pushed.stderr.decode()
    wait_for_sync(platform, held["sync_id"], {"held"})

    listed = admin.run("imports", "retenus", "--uai", school)
    assert listed.returncode == 0, listed.stderr
    assert held["sync_id"] in listed.stdout
    assert "emploi-du-temps" in listed.stdout
    approved = admin.run("imports", "decider", held["sync_id"], "--approuver", "--motif", "Fin d'année")
    assert approved.returncode == 0, approved.stderr
    assert "approuvé" in approved.stdout

    waited = netsynchro.run("edt", school, "wait", held["sync_id"])
    assert waited.returncode == 0, waited.stderr.decode()
    assert "appliquée" in waited.stdout.decode()
    assert "Motif : Fin d'année" in waited.stdout.decode()
    applied = wait_for_sync(platform, held["sync_id"], {"applied", "partially_applied"})
    assert applied["state"] in {"applied", "partially_applied"}
    assert held["sync_id"] not in admin.run("imports", "retenus", "--uai", school).stdout
