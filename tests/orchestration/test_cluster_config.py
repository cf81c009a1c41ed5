"""The loopback cluster's configuration is compose's: read from docker-compose.yml, not restated."""

from __future__ import annotations

from pathlib import Path

import yaml

from countybudget import paths
from orchestration.cluster import COMPOSE_FILE, Ports, cluster_environment, compose_airflow_environment, interpolate


def test_interpolation_follows_compose() -> None:
    assert interpolate("${A:-x}/${B:-y}/${C}/$$HOME", {"A": "1", "C": "3"}) == "1/y/3/$HOME"
    assert interpolate("${A:-x}", {"A": ""}) == "x"  # ":-" also replaces an empty value, as compose does


def test_every_compose_setting_reaches_the_cluster_with_local_addresses(tmp_path: Path) -> None:
    ports = Ports(postgres=15432, redis=16379, api=18080)
    env = cluster_environment(tmp_path / "airflow", ports, tmp_path / "lake")
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["x-airflow-common"]["environment"]
    assert set(compose) <= set(env)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__POOL"] == compose["AIRFLOW__CELERY__POOL"]
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:16379/0"
    assert "@127.0.0.1:15432/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(paths.REPO_ROOT / "dags")
    assert env["COUNTYBUDGET_DATA"] == str(tmp_path / "lake")
    assert env["COUNTYBUDGET_SCHEDULE"] == "none"
    for name in compose:  # no container host name or path is left
        assert not any(host in env[name] for host in ("@postgres:", "//redis:", "airflow-api-server", "/opt/")), name


def test_compose_defaults_are_what_a_plain_compose_up_gets() -> None:
    env = compose_airflow_environment({})
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert env["COUNTYBUDGET_SCHEDULE"] == "0 2 * * *"
