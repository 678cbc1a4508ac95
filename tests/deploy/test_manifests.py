"""The Kubernetes manifests render for every overlay, validate against Kubernetes' schemas, and keep the
production rules: hardened pods with probes and resources, PDBs and autoscaling, Secrets referenced and
never inlined, network policies that deny by default, the ingress verifying client certificates, and
environment variables that the services really read."""

from __future__ import annotations

import copy
from pathlib import Path

import kubernetes_validate.utils  # type: ignore[import-untyped]
import pytest
from pydantic import BaseModel
from pydantic_settings import BaseSettings

from services.bee.settings import BeeSettings
from services.common import migrate
from services.gateway.settings import GatewaySettings
from services.ginweb.settings import GinwebSettings
from services.sts.settings import StsSettings
from services.supervision.settings import SupervisionSettings
from tests.deploy.kube import (
    OVERLAYS,
    Resource,
    containers,
    env_of,
    of_kind,
    pod_spec,
    render,
    validate,
)

SERVICES: dict[str, type[BaseSettings]] = {
    "gateway": GatewaySettings,
    "bee": BeeSettings,
    "sts": StsSettings,
    "supervision": SupervisionSettings,
    "ginweb": GinwebSettings,
}
AUTOSCALED = {"gateway", "bee", "sts", "supervision"}
DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> list[Resource]:
    return render(request.param)


def test_every_resource_validates_against_the_kubernetes_schemas(rendered: list[Resource]) -> None:
    for resource in rendered:
        validate(resource)


def test_the_schema_check_refuses_an_unknown_field(rendered: list[Resource]) -> None:
    broken = copy.deepcopy(of_kind(rendered, "Deployment")["gateway"])
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.utils.ValidationError):
        validate(broken)


def test_one_deployment_per_service_from_the_one_image(rendered: list[Resource]) -> None:
    deployments = of_kind(rendered, "Deployment")
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        main = pod_spec(deployment)["containers"][0]
        assert main["args"] == [name]
        assert main["image"].rsplit(":", 1)[0].endswith("netsynchro/platform")


def test_pods_are_hardened_with_resources_and_probes(rendered: list[Resource]) -> None:
    for workload in [*of_kind(rendered, "Deployment").values(), *of_kind(rendered, "StatefulSet").values()]:
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for container in containers(workload):
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            assert "memory" in container["resources"]["limits"]
        for container in spec["containers"]:
            assert "livenessProbe" in container
            assert "readinessProbe" in container


def test_services_probe_healthz_and_readyz(rendered: list[Resource]) -> None:
    for deployment in of_kind(rendered, "Deployment").values():
        main = pod_spec(deployment)["containers"][0]
        assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert main["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_every_workload_has_a_disruption_budget_and_workers_autoscale(rendered: list[Resource]) -> None:
    budgets = of_kind(rendered, "PodDisruptionBudget").values()
    covered = {budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for budget in budgets}
    assert set(SERVICES) | {"nats"} <= covered
    scaled = {
        hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(rendered, "HorizontalPodAutoscaler").values()
    }
    assert scaled == AUTOSCALED


def test_services_with_a_database_migrate_it_first(rendered: list[Resource]) -> None:
    for name, deployment in of_kind(rendered, "Deployment").items():
        inits = pod_spec(deployment).get("initContainers", [])
        if name not in migrate.SCHEMAS:
            assert inits == []
            continue
        assert [init["args"] for init in inits] == [["migrate", name, "upgrade", "head"]]


def test_nats_is_a_three_node_jetstream_cluster_spread_over_hosts(rendered: list[Resource]) -> None:
    nats = of_kind(rendered, "StatefulSet")["nats"]
    assert nats["spec"]["replicas"] == 3
    assert nats["spec"]["volumeClaimTemplates"][0]["spec"]["accessModes"] == ["ReadWriteOnce"]
    spread = pod_spec(nats)["topologySpreadConstraints"]
    assert {constraint["topologyKey"] for constraint in spread} == {
        "kubernetes.io/hostname",
        "topology.kubernetes.io/zone",
    }
    config = of_kind(rendered, "ConfigMap")["nats-config"]["data"]["nats.conf"]
    assert config.count("nats://nats-") == 3
    assert "jetstream" in config
    assert of_kind(rendered, "ConfigMap")["platform"]["data"]["nats-replicas"] == "3"


def test_jetstream_store_limit_fits_in_its_volume(rendered: list[Resource]) -> None:
    nats = of_kind(rendered, "StatefulSet")["nats"]
    limit = env_of(pod_spec(nats)["containers"][0])["JS_MAX_FILE_STORE"]["value"]
    volume = nats["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
    assert _bytes(limit) < _bytes(volume)


def test_secrets_are_referenced_never_inlined_and_all_documented(rendered: list[Resource]) -> None:
    assert of_kind(rendered, "Secret") == {}
    documented = DEPLOY_DOC.read_text(encoding="utf-8")
    for name in _secret_names(rendered):
        assert f"`{name}`" in documented, f"Secret {name} is not described in docs/deploy.md"


def test_network_policies_deny_by_default_and_open_the_gateway_to_the_ingress_only(
    rendered: list[Resource],
) -> None:
    policies = of_kind(rendered, "NetworkPolicy")
    default = policies["default-deny"]["spec"]
    assert default["podSelector"] == {}
    assert set(default["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in default
    assert "egress" not in default
    into_gateway = [
        rule
        for policy in policies.values()
        if policy["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == "gateway"
        for rule in policy["spec"].get("ingress", [])
    ]
    assert len(into_gateway) == 1
    (source,) = into_gateway[0]["from"]
    assert source["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "ingress-nginx"}


def test_the_ingress_verifies_client_certificates_and_proves_itself_to_the_gateway(
    rendered: list[Resource],
) -> None:
    annotations = of_kind(rendered, "Ingress")["gateway"]["metadata"]["annotations"]
    namespace = of_kind(rendered, "Ingress")["gateway"]["metadata"]["namespace"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "auth-tls-secret"] == f"{namespace}/platform-ca"
    assert annotations[prefix + "auth-tls-verify-client"] in {"on", "optional"}
    assert annotations[prefix + "auth-tls-pass-certificate-to-upstream"] == "true"
    assert annotations[prefix + "proxy-ssl-secret"] == f"{namespace}/ingress-client-tls"
    assert annotations[prefix + "backend-protocol"] == "HTTPS"
    gateway = env_of(pod_spec(of_kind(rendered, "Deployment")["gateway"])["containers"][0])
    assert gateway["GATEWAY_MODE"]["value"] == "proxy"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_environment_variable_is_a_setting_the_service_reads(
    service: str, rendered: list[Resource], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pydantic-settings ignores unknown variables: a typo would silently fall back to a default."""
    settings_class = SERVICES[service]
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    configmaps = {name: cm.get("data", {}) for name, cm in of_kind(rendered, "ConfigMap").items()}
    main = pod_spec(of_kind(rendered, "Deployment")[service])["containers"][0]
    for name, variable in env_of(main).items():
        assert name.startswith(prefix), name
        assert _is_field(settings_class, name.removeprefix(prefix).lower().split("__")), name
        monkeypatch.setenv(name, _value_of(variable, configmaps))
    settings_class()  # the values parse, and the gateway's proxy mode finds its proofs


def _is_field(model: type[BaseModel], path: list[str]) -> bool:
    field = model.model_fields.get(path[0])
    if field is None:
        return False
    if len(path) == 1:
        return True
    nested = field.annotation
    return isinstance(nested, type) and issubclass(nested, BaseModel) and _is_field(nested, path[1:])


def _value_of(variable: Resource, configmaps: dict[str, dict[str, str]]) -> str:
    if "value" in variable:
        return str(variable["value"])
    source = variable["valueFrom"]
    if "configMapKeyRef" in source:
        reference = source["configMapKeyRef"]
        return configmaps[reference["name"]][reference["key"]]
    key = source["secretKeyRef"]["key"]
    return "postgresql+asyncpg://role:secret@pooler:5432/db" if key == "url" else "from-a-secret"


def _secret_names(resources: list[Resource]) -> set[str]:
    names: set[str] = set()
    for workload in [*of_kind(resources, "Deployment").values(), *of_kind(resources, "StatefulSet").values()]:
        names |= {v["secret"]["secretName"] for v in pod_spec(workload).get("volumes", []) if "secret" in v}
        for container in containers(workload):
            names |= {
                variable["valueFrom"]["secretKeyRef"]["name"]
                for variable in container.get("env", [])
                if "secretKeyRef" in variable.get("valueFrom", {})
            }
    for ingress in of_kind(resources, "Ingress").values():
        names |= {tls["secretName"] for tls in ingress["spec"].get("tls", [])}
        names |= {
            value.split("/", 1)[1]
            for key, value in ingress["metadata"].get("annotations", {}).items()
            if key.endswith(("auth-tls-secret", "proxy-ssl-secret"))
        }
    for cluster in of_kind(resources, "Cluster").values():  # CloudNativePG: roles' passwords, backups
        names |= {role["passwordSecret"]["name"] for role in cluster["spec"]["managed"]["roles"]}
        names |= {
            ref["name"] for ref in cluster["spec"]["backup"]["barmanObjectStore"]["s3Credentials"].values()
        }
    return names


def _bytes(quantity: str) -> float:
    units = {"Gi": 2**30, "GB": 10**9, "Mi": 2**20, "MB": 10**6}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return float(quantity.removesuffix(suffix)) * factor
    raise ValueError(quantity)


def test_byte_quantities_are_read_with_their_units() -> None:
    assert _bytes("8GB") < _bytes("10Gi") < _bytes("45GB") < _bytes("50Gi")
    with pytest.raises(ValueError, match="8T"):
        _bytes("8T")
