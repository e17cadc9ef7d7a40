"""The deployment files: Kubernetes manifests and compose.yaml pass their schemas (shipped inside
PyPI packages, so this runs offline), HAProxy accepts its config, the pieces refer to each other
correctly, and the Dockerfile installs casebook the way the tests run it. Images are not built here."""

from __future__ import annotations

import ast
import copy
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from helpers import ROOT
from packaging.specifiers import SpecifierSet

K8S = ROOT / "deploy" / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
# The oldest Kubernetes with every API used here still served, and the newest the validator knows.
K8S_VERSIONS = ["1.27.0", kubernetes_validate.latest_version()]
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"


def resources() -> dict[str, dict]:
    """kind -> the resource, for every manifest."""
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in MANIFESTS]
    return {doc["kind"]: doc for doc in docs}


def haproxy() -> str:
    found = shutil.which("haproxy", path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        pytest.fail("HAProxy is not installed: `python3 tasks.py test` installs it (apt-get install haproxy)")
    return found


# --- Kubernetes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifest_passes_the_kubernetes_schema(manifest, version):
    for doc in yaml.safe_load_all(manifest.read_text(encoding="utf-8")):
        kubernetes_validate.validate(doc, version, strict=True)


def test_schema_validation_catches_a_misspelled_probe():
    deployment = copy.deepcopy(resources()["Deployment"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readynessProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))["resources"]
    assert sorted(listed) == [p.name for p in MANIFESTS]


def test_deployment_has_startup_readiness_and_liveness_probes_and_resources():
    container = resources()["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["startupProbe"]["httpGet"]["path"] == "/readyz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"  # a reload in progress is alive
    assert set(container["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) & set(container["resources"]["limits"])


def test_replicas_mount_the_artifact_read_only_and_the_job_writes_it():
    found = resources()
    pod, job = found["Deployment"]["spec"]["template"]["spec"], found["Job"]["spec"]["template"]["spec"]
    claim = found["PersistentVolumeClaim"]["metadata"]["name"]
    settings = found["ConfigMap"]["data"]
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == settings["CASEBOOK_INDEX_DIR"])
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    assert mount["readOnly"] is True and volume["persistentVolumeClaim"]["claimName"] == claim
    assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    assert any(v.get("persistentVolumeClaim", {}).get("claimName") == claim for v in job["volumes"])
    command = job["containers"][0]["command"]
    assert command[:3] == ["casebook", "index", "--out"] and command[3] == settings["CASEBOOK_INDEX_DIR"]


def test_service_hpa_and_disruption_budget_select_the_deployment():
    found = resources()
    deployment = found["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert found["Service"]["spec"]["selector"].items() <= labels.items()
    assert found["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    target = found["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert found["HorizontalPodAutoscaler"]["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_deployment_reads_settings_and_keys_from_the_configmap_and_secret():
    found = resources()
    sources = found["Deployment"]["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert {"configMapRef": {"name": found["ConfigMap"]["metadata"]["name"]}} in sources
    assert {"secretRef": {"name": found["Secret"]["metadata"]["name"]}} in sources
    from casebook.settings import Settings

    known = {f"CASEBOOK_{name.upper()}" for name in Settings.model_fields}
    assert set(found["ConfigMap"]["data"]) | set(found["Secret"]["stringData"]) <= known


# --- compose and HAProxy -------------------------------------------------------------------------

def test_compose_file_passes_the_compose_spec_schema():
    run = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
                          str(ROOT / "compose.yaml")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_compose_runs_three_replicas_over_one_artifact_behind_haproxy():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    replica, builder, balancer = services["casebook"], services["index-builder"], services["balancer"]
    assert replica["deploy"]["replicas"] == 3
    assert replica["environment"]["CASEBOOK_INDEX_DIR"] == "/artifact"
    assert "artifact:/artifact:ro" in replica["volumes"] and "artifact:/artifact" in builder["volumes"]
    assert builder["command"][:2] == ["casebook", "index"] and "--out" in builder["command"]
    assert "/readyz" in " ".join(replica["healthcheck"]["test"])
    assert any(v.startswith("./deploy/haproxy.cfg:") for v in balancer["volumes"])


def test_haproxy_accepts_the_balancer_config():
    run = subprocess.run([haproxy(), "-c", "-f", str(HAPROXY_CFG)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def test_balancer_checks_readyz_and_retries_only_replay_safe_requests_elsewhere():
    config = HAPROXY_CFG.read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for line in config.splitlines()]
    assert "option httpchk GET /readyz" in lines
    retry_on = next(line.split()[1:] for line in lines if line.startswith("retry-on "))
    assert {"conn-failure", "empty-response"} <= set(retry_on)
    assert any(re.fullmatch(r"option redispatch( 1)?", line) for line in lines)
    assert "http-request disable-l7-retry unless replay_safe" in lines
    safe = [line.split(None, 2)[2] for line in lines if line.startswith("acl replay_safe ")]
    assert safe == ["method GET HEAD", "path /v1/recommend"]


# --- Dockerfile ----------------------------------------------------------------------------------

def dockerfile() -> DockerfileParser:
    return DockerfileParser(str(ROOT / "Dockerfile"))


def stages() -> list[list[dict]]:
    """The Dockerfile's instructions, one list per stage."""
    out: list[list[dict]] = []
    for instruction in dockerfile().structure:
        if instruction["instruction"] == "FROM":
            out.append([])
        if out and instruction["instruction"] != "COMMENT":
            out[-1].append(instruction)
    return out


def values(stage: list[dict], name: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == name]


def test_dockerfile_installs_with_the_task_the_tests_are_set_up_by():
    build = stages()[0]
    runs = values(build, "RUN")
    assert runs[0] == "python3 tasks.py install"
    assert not any(re.search(r"\bpip\b", run) for run in runs), "install only through tasks.py"
    tasks = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    functions = {f.name: f for f in tasks.body if isinstance(f, ast.FunctionDef)}
    calls = {name: {c.func.id for c in ast.walk(f) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
             for name, f in functions.items()}
    runs_pip = {name for name, f in functions.items()
                if any(isinstance(c, ast.Constant) and c.value == "pip" for c in ast.walk(f))}
    # pip is run only by setup and its pip() helper, and both the image and the tests go through setup
    assert runs_pip <= {"setup", "pip"} and "setup" in calls["install"] and "setup" in calls["test"]


def test_dockerfile_copies_everything_the_package_installs_from():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = {Path(d).parts[0] for d in project["tool"]["setuptools"]["package-dir"].values()}
    folders |= {p.split(".")[0] for p in project["tool"]["setuptools"]["packages"]}
    needed = folders | {"pyproject.toml", "tasks.py", project["project"]["readme"]}
    copied = {source for value in values(stages()[0], "COPY") for source in value.split()[:-1]}
    assert needed <= copied


def test_dockerfile_python_is_one_casebook_supports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for image in set(dockerfile().parent_images):
        match = re.fullmatch(r"python:(\d+\.\d+)-slim", image)
        assert match, f"{image}: a slim Python base image"
        assert match.group(1) + ".0" in SpecifierSet(project["project"]["requires-python"])


def test_image_prepares_models_at_build_and_runs_as_a_non_root_user():
    from casebook.cli import app

    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    build, final = stages()
    used = {m for run in values(build, "RUN") for m in re.findall(r"casebook ([a-z-]+)", run)}
    assert {"prepare-models", "index"} <= used <= commands
    assert values(final, "USER") and values(final, "USER")[-1] not in {"root", "0"}
    assert "/readyz" in values(final, "HEALTHCHECK")[0]
    command = yaml.safe_load(values(final, "CMD")[0])
    assert command[:2] == ["casebook", "serve"] and command[command.index("--workers") + 1] == "0"
