"""`make demo`: a school's back-to-school sequence, played with the demo certificates against `make run`.

What 0310053P's software does every September, through the `netsynchro` SDK, each product with its own
certificate and within its own flows: the timetable software (EDT) checks its certificate, pulls the
nomenclatures and the structures and pushes the timetable; the school-life software (Pronote) then pushes
the student↔group links, pulls the students with their addresses, and asks for what changed since. Every
step is printed; the supervision console shows the whole sequence.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netsynchro import Certificate, Client, Export, FileCursorStore, SyncStatus  # noqa: E402

from services.common.demo import demo_schools  # noqa: E402
from services.common.formats.edt_sts import write_edt_sts  # noqa: E402
from services.common.formats.import_eleves import write_import_eleves  # noqa: E402
from services.common.pull.seeding import DEMO_SEED  # noqa: E402  # the schools `make run` seeds


@dataclass(frozen=True)
class DemoSettings:
    url: str
    certs: Path
    uai: str
    year: int
    cursors: Path


def announce(number: int, title: str) -> None:
    print(f"{number}. {title}…", flush=True)


def report(text: str) -> None:
    print(f"   {text}", flush=True)


def client_of(settings: DemoSettings, product: str) -> Client:
    bundle = settings.certs / f"index-education-{product}-{settings.uai}.p12"
    return Client(
        settings.url,
        Certificate.from_pkcs12(bundle, "netsynchro"),
        ca_file=settings.certs / "root-ca.pem",
        cursors=FileCursorStore(settings.cursors),
    )


def play(settings: DemoSettings) -> None:
    """The sequence itself; raises the SDK's typed errors if the platform refuses a step."""
    school = next(s for s in demo_schools(settings.year, DEMO_SEED) if s.uai == settings.uai)
    uai, year = settings.uai, settings.year
    with client_of(settings, "edt") as timetable_software:
        introduce(timetable_software, 1)
        for number, flow in ((2, "nomenclatures"), (3, "structures")):
            announce(number, f"Export « {flow} »")
            report(pulled(timetable_software.pull(flow, uai, year)))
        timetable = write_edt_sts(school.edt_sts)
        push_and_wait(timetable_software, (4, 5), "emploi-du-temps", uai, year, timetable)
    with client_of(settings, "pronote") as school_life_software:
        introduce(school_life_software, 6)
        links = write_import_eleves(school.import_eleves)
        push_and_wait(school_life_software, (7, 8), "liens-eleves-groupes", uai, year, links)
        announce(9, "Export des élèves avec adresses")
        report(pulled(school_life_software.pull("eleves", uai, year, incremental=True)))
        announce(10, "Ce qui a changé depuis")
        report(pulled(school_life_software.pull("eleves", uai, year, incremental=True)))


def introduce(client: Client, number: int) -> None:
    announce(number, "Qui suis-je ?")
    me = client.whoami()
    report(f"{me['uai']} — {me['editeur']} / {me['produit']}, flux : {', '.join(me['flux_autorises'])}")


def push_and_wait(
    client: Client, numbers: tuple[int, int], flow: str, uai: str, year: int, payload: bytes
) -> None:
    announce(numbers[0], f"Envoi « {flow} » ({len(payload)} octets)")
    receipt = client.push(flow, uai, year, payload)
    report(f"reçu : sync {receipt.sync_id} ({receipt.state})")
    announce(numbers[1], "Attente de la fin du traitement")
    report(described(client.wait(receipt.sync_id)))


def pulled(export: Export) -> str:
    kind = "différentiel" if export.is_delta else "complet"
    return f"{export.filename or export.flow} : {export.size} octets ({kind}), sync {export.sync_id}"


def described(status: SyncStatus) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in (status.raw.get("compteurs") or {}).items())
    return status.state + (f" ({counts})" if counts else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    offset = int(os.environ.get("NETSYNCHRO_PORT_OFFSET", "0"))
    run_dir = Path(os.environ.get("NETSYNCHRO_RUN_DIR", ROOT / "var"))
    default_certs = run_dir / "certs" if "NETSYNCHRO_RUN_DIR" in os.environ else ROOT / "certs"
    parser.add_argument("--url", default=f"https://localhost:{8443 + offset}")
    parser.add_argument("--certs", type=Path, default=default_certs)
    parser.add_argument("--uai", default="0310053P")
    parser.add_argument("--year", type=int, default=None, help="année scolaire (défaut : l'année en cours)")
    args = parser.parse_args(argv)
    from scripts.run import current_school_year

    year = args.year or current_school_year()
    settings = DemoSettings(args.url, args.certs, args.uai, year, run_dir / "demo-curseurs.json")
    settings.cursors.unlink(missing_ok=True)  # a demo starts from a full export
    play(settings)
    print("\nLa séquence est visible dans la console de supervision.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
