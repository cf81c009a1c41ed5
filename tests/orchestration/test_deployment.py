"""docker-compose.yml and the Dockerfile, checked without a Docker engine."""

from __future__ import annotations

import re

import pytest
import yaml

from countybudget import paths

REPO = paths.REPO_ROOT
AIRFLOW_SERVICES = ("airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def bind_mounts(service: dict) -> list[dict]:
    """Every host-path mount of a service, in long form: source, target, read_only, create_host_path."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target, *mode = volume.split(":")
            if not source.startswith((".", "/")):
                continue  # a named volume
            mounts.append({"source": source, "target": target, "read_only": mode == ["ro"], "create": False})
        elif volume.get("type") == "bind":
            mounts.append(
                {
                    "source": volume["source"],
                    "target": volume["target"],
                    "read_only": bool(volume.get("read_only")),
                    "create": bool(volume.get("bind", {}).get("create_host_path")),
                }
            )
    return mounts


def test_airflow_3_services_on_postgres(compose: dict) -> None:
    services = compose["services"]
    for name in (*AIRFLOW_SERVICES, "postgres", "airflow-init", "superset"):
        assert name in services, name
    commands = {name: services[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands == {
        "airflow-api-server": ["api-server"],
        "airflow-scheduler": ["scheduler"],
        "airflow-dag-processor": ["dag-processor"],
        "airflow-triggerer": ["triggerer"],
    }
    assert services["airflow-init"]["command"] == ["db", "migrate"]
    assert services["postgres"]["image"].startswith("postgres:")
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "@postgres:" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]


def test_local_executor_by_default_and_celery_as_a_profile(compose: dict) -> None:
    services = compose["services"]
    executor = services["airflow-scheduler"]["environment"]["AIRFLOW__CORE__EXECUTOR"]
    assert re.fullmatch(r"\$\{AIRFLOW_EXECUTOR:-LocalExecutor\}", executor)
    assert services["airflow-worker"]["profiles"] == ["celery"]
    assert services["redis"]["profiles"] == ["celery"]
    assert services["airflow-worker"]["command"] == ["celery", "worker"]
    for name in (*AIRFLOW_SERVICES, "postgres", "superset"):
        assert "profiles" not in services[name], f"{name} must start without a profile"


def test_every_airflow_service_runs_the_image_built_from_the_lock(compose: dict) -> None:
    services = compose["services"]
    images = {services[name]["image"] for name in (*AIRFLOW_SERVICES, "airflow-init", "airflow-worker")}
    assert len(images) == 1 and next(iter(images)).startswith("countybudget-airflow:")
    for name in (*AIRFLOW_SERVICES, "airflow-worker"):
        assert services[name]["build"]["dockerfile"] == "Dockerfile"
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY requirements.lock" in dockerfile
    assert re.search(r"uv pip install .*-r requirements\.lock", dockerfile)
    assert "--no-deps -e ." in dockerfile  # the project itself adds no unpinned dependency
    # The deployment-only packages come pinned from the same lock, not on top of it.
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    for package in ("apache-airflow-providers-postgres==", "psycopg2-binary==", "apache-airflow-providers-celery=="):
        assert package in lock


def test_every_long_running_service_has_a_healthcheck(compose: dict) -> None:
    for name, service in compose["services"].items():
        if name == "airflow-init":
            continue  # runs once and exits
        check = service.get("healthcheck", {}).get("test")
        assert check and check[0] in ("CMD", "CMD-SHELL"), name


def test_services_wait_for_a_healthy_database_and_a_migrated_schema(compose: dict) -> None:
    for name in (*AIRFLOW_SERVICES, "airflow-worker"):
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name


def test_code_and_lake_are_mounted_where_the_image_expects_them(compose: dict) -> None:
    for name in AIRFLOW_SERVICES:
        targets = {m["source"]: m["target"] for m in bind_mounts(compose["services"][name])}
        assert targets == {
            "./dags": "/opt/countybudget/dags",
            "./dbt_project": "/opt/countybudget/dbt_project",
            "./expectations": "/opt/countybudget/expectations",
            "./data": "/opt/countybudget/data",
        }
        env = compose["services"][name]["environment"]
        assert env["COUNTYBUDGET_DATA"] == "/opt/countybudget/data"
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/countybudget/dags"


def test_every_mounted_host_path_exists_or_is_the_lake_compose_creates(compose: dict) -> None:
    lake = (REPO / "data").resolve()
    for name, service in compose["services"].items():
        for mount in bind_mounts(service):
            host = (REPO / mount["source"]).resolve()
            if mount["create"]:
                # Only the lake (made by the first run) may be created on demand; code must exist.
                assert host == lake or lake in host.parents, f"{name}: {mount['source']}"
            else:
                assert host.exists(), f"{name} mounts {mount['source']}, which does not exist"


def test_bi_reads_the_serving_directory_read_only(compose: dict) -> None:
    superset = compose["services"]["superset"]
    (mount,) = bind_mounts(superset)
    assert mount["source"] == "./data/serving" and mount["read_only"]
    # The directory, not the file: a bind-mounted file would pin the replaced inode.
    serving = superset["environment"]["COUNTYBUDGET_SERVING_PATH"]
    assert serving == f"{mount['target']}/{paths.serving_path().name}"
    # make bi's provisioning files (bi/superset/), and its lock: duckdb as the writer's
    assert "bi/superset/entrypoint.sh" in " ".join(superset["command"])
    assert superset["environment"]["SUPERSET_CONFIG_PATH"].endswith("bi/superset/superset_config.py")
    assert "requirements-superset.lock" in superset["build"]["dockerfile_inline"]
    assert _locked("duckdb") == _locked("duckdb", "requirements-superset.lock")


def _locked(package: str, lock_file: str = "requirements.lock") -> str:
    lock = (REPO / lock_file).read_text(encoding="utf-8")
    return re.search(rf"^{package}==(\S+)", lock, re.MULTILINE).group(1)


def test_the_docker_build_context_leaves_out_local_state() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for path in (".venv", "data", ".git"):
        assert path in ignored


HARNESS = ("corpus", "testkit", "benchmarks", "tests")


def test_the_image_ships_the_product_and_not_the_harness() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    copied = {line.split()[1] for line in dockerfile.splitlines() if line.startswith("COPY ")}
    for package in ("countybudget", "scrapers", "parsers", "expectations", "orchestration", "dbt_project", "dags"):
        assert package in copied, package
    assert not copied & set(HARNESS)
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert set(HARNESS) <= set(ignored)


def test_the_deployment_crawls_its_own_registry_and_never_defaults_to_the_mirror(compose: dict) -> None:
    for name in (*AIRFLOW_SERVICES, "airflow-worker"):
        env = compose["services"][name]["environment"]
        assert "COUNTYBUDGET_MIRROR_URL" not in env, name
        assert env["COUNTYBUDGET_PORTAL_REGISTRY"].endswith("/opt/countybudget/scrapers/portals.yml}")
    assert "8765" not in (REPO / "docker-compose.yml").read_text(encoding="utf-8")
