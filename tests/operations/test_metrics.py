"""Every metric the alert rules and the dashboard query, and every metric docs/deploy.md lists, is
exported by a service of the running platform; the business metrics say what happened."""

from __future__ import annotations

import re
import time

from scripts import check_monitoring
from tests.journeys.platform import RunningPlatform
from tests.operations.conftest import SERVICES, editor_client, scrape

SCHOOL, OTHER_SCHOOL = "0310053P", "0332490C"
_FAMILY = re.compile(r"^# TYPE (\S+) (\S+)$", re.MULTILINE)


def families(text: str) -> set[str]:
    return {name for name, _kind in _FAMILY.findall(text)}


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        series, sample = line.rsplit(" ", 1)
        if all(f'{key}="{wanted}"' in series for key, wanted in labels.items()):
            total += float(sample)
    return total


def test_every_queried_and_documented_metric_is_exported(platform: RunningPlatform) -> None:
    with editor_client(platform, "edt", SCHOOL) as editor:
        served = editor.get(f"/v1/etablissements/{SCHOOL}/annees/{platform.year}/nomenclatures")
        refused = editor.get(f"/v1/etablissements/{OTHER_SCHOOL}/annees/{platform.year}/nomenclatures")
    assert served.status_code == 200, served.text
    assert refused.status_code == 403
    scraped = {service: scrape(platform, service) for service in SERVICES}
    exported = set().union(*(families(text) for text in scraped.values()))

    assert check_monitoring.documented_metrics() - exported == set()
    assert check_monitoring.unknown_metrics(exported) == set()

    gateway = scraped["gateway"]
    assert (
        value(gateway, "netsynchro_exchanges_total", flow="nomenclatures", product="edt", status="200") >= 1
    )
    assert value(gateway, "netsynchro_exchanges_total", flow="nomenclatures", status="403") >= 1
    assert value(gateway, "netsynchro_export_bytes_total", flow="nomenclatures") >= len(served.content)
    assert value(gateway, "netsynchro_export_duration_seconds_count", flow="nomenclatures") >= 1
    assert value(gateway, "netsynchro_refusals_total", code="etablissement-non-autorise") >= 1
    # make run starts every service at once: the gateway's first CRL fetch may come before GIN-WEB
    # answers, and the metric says so until its next periodic refresh, which this waits for.
    while value(gateway, "netsynchro_gateway_crl_loaded") != 1:
        time.sleep(0.5)  # a polling pause, not an assertion on time: the loop ends on the value
        gateway = scrape(platform, "gateway")
    assert value(gateway, "netsynchro_gateway_crl_age_seconds") >= 0
    assert value(gateway, "netsynchro_gateway_revoked_certificates") >= 0
    # ginweb registered make run's six demo certificates, valid for months (test_admin revokes one).
    assert value(scraped["ginweb"], "netsynchro_certificates_valid") >= 5
    assert value(scraped["ginweb"], "netsynchro_certificates_expiring", horizon="7j") == 0
    # Each durable the services pull from is reported, by name; supervision's journal among them.
    assert 'durable="' in scraped["bee"]
    assert "netsynchro_journal_lag_messages " in scraped["supervision"]
