"""Provision Superset from bi/superset/dashboard.yml through its REST API.

    provision.py --url http://127.0.0.1:8088 --serving /path/countybudget.duckdb

Creates (or, if they exist, replaces) the read-only DuckDB database on the serving
copy, the datasets, the charts and the dashboard. Runs with Superset's own virtual
environment (requests + PyYAML) against a running server; stdlib otherwise. Prints
one JSON line: the dashboard's id and URL and each chart's id by key.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import requests
import yaml

SPEC = Path(__file__).with_name("dashboard.yml")
AMOUNT_FORMAT = ",.2f"


def serving_uri(serving: Path) -> str:
    """Read-only: Superset never takes DuckDB's write lock, and each query (Superset's
    NullPool) opens whatever file the serving path names at that moment."""
    return f"duckdb:///{serving.resolve()}?access_mode=read_only"


class Superset:
    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.http = requests.Session()
        token = self._json("post", "/api/v1/security/login",
                           json={"username": username, "password": password, "provider": "db", "refresh": True})
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"
        csrf = self._json("get", "/api/v1/security/csrf_token/")["result"]
        self.http.headers.update({"X-CSRFToken": csrf, "Referer": self.url})

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.url + path, timeout=120, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path}: HTTP {response.status_code}: {response.text[:2000]}")
        return response.json() if response.content else {}

    def get(self, path: str) -> Any:
        return self._json("get", path)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._json("post", path, json=body)

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self._json("put", path, json=body)

    def delete(self, path: str) -> Any:
        return self._json("delete", path)

    def find(self, resource: str, field: str, value: Any) -> list[dict[str, Any]]:
        """Every ``resource`` whose ``field`` equals ``value`` (list endpoints, filtered here)."""
        found, page = [], 0
        while True:
            q = f"(page:{page},page_size:100)"
            result = self.get(f"/api/v1/{resource}/?q={q}")["result"]
            found += [r for r in result if r.get(field) == value]
            if len(result) < 100:
                return found
            page += 1


def metric(spec: dict[str, Any]) -> dict[str, Any]:
    label = spec["label"]
    if spec.get("count") == "*":
        return {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": label}
    (aggregate, column), = ((k, v) for k, v in spec.items() if k != "label")
    return {"expressionType": "SIMPLE", "aggregate": aggregate.upper(), "column": {"column_name": column},
            "label": label}


def form_data(chart: dict[str, Any], dataset_id: int) -> dict[str, Any]:
    data = dict(chart["form_data"])
    amounts = data.pop("amount_columns", [])
    if "metric" in data:
        data["metric"] = metric(data["metric"])
    if "metrics" in data:
        data["metrics"] = [metric(m) for m in data["metrics"]]
    data["adhoc_filters"] = [
        {"expressionType": "SIMPLE", "clause": "WHERE", **({"comparator": None} | f)}
        for f in data.get("adhoc_filters", [])
    ]
    if data["viz_type"] == "table":
        data.setdefault("row_limit", 10000)
        data.setdefault("server_page_length", 10000)
        data.setdefault("page_length", 0)  # all rows on one page: every figure is on screen
        data.setdefault("order_desc", True)
        data.setdefault("include_search", False)
        data.setdefault("show_cell_bars", False)
        data["column_config"] = {column: {"d3NumberFormat": AMOUNT_FORMAT} for column in amounts}
        if data.get("query_mode") == "raw":
            data.setdefault("groupby", [])
            data.setdefault("metrics", [])
            data.setdefault("order_by_cols", [])
    data["datasource"] = f"{dataset_id}__table"
    return data


def position(charts: list[dict[str, Any]], ids: dict[str, int], title: str) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": title}},
    }
    rows: dict[int, list[str]] = {}
    for chart in charts:
        rows.setdefault(int(chart["row"]), []).append(chart["key"])
    grid_children = []
    by_key = {c["key"]: c for c in charts}
    for row, keys in sorted(rows.items()):
        row_id = f"ROW-{row}"
        grid_children.append(row_id)
        layout[row_id] = {"type": "ROW", "id": row_id, "children": [f"CHART-{k}" for k in keys],
                          "parents": ["ROOT_ID", "GRID_ID"], "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for key in keys:
            chart = by_key[key]
            height = 30 if chart["form_data"]["viz_type"] == "big_number_total" else 80
            layout[f"CHART-{key}"] = {
                "type": "CHART", "id": f"CHART-{key}", "children": [], "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {"chartId": ids[key], "width": int(chart["width"]), "height": height, "sliceName": chart["name"]},
            }
    layout["GRID_ID"] = {"type": "GRID", "id": "GRID_ID", "children": grid_children, "parents": ["ROOT_ID"]}
    return layout


def provision(superset: Superset, serving: Path, spec: dict[str, Any]) -> dict[str, Any]:
    slug = spec["dashboard"]["slug"]
    # Replace what an earlier provisioning made (compose keeps Superset's metadata in a volume).
    for dashboard in superset.find("dashboard", "slug", slug):
        detail = superset.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
        for chart in detail:
            superset.delete(f"/api/v1/chart/{chart['id']}")
        superset.delete(f"/api/v1/dashboard/{dashboard['id']}")
    databases = superset.find("database", "database_name", spec["database"])
    body = {"database_name": spec["database"], "sqlalchemy_uri": serving_uri(serving), "expose_in_sqllab": True,
            "allow_dml": False, "allow_file_upload": False}
    if databases:
        database_id = databases[0]["id"]
        for dataset in [d for name in spec["datasets"] for d in superset.find("dataset", "table_name", name)]:
            superset.delete(f"/api/v1/dataset/{dataset['id']}")
        superset.put(f"/api/v1/database/{database_id}", body)
    else:
        database_id = superset.post("/api/v1/database/", body)["id"]

    dataset_ids = {
        name: superset.post("/api/v1/dataset/", {"database": database_id, "schema": spec["schema"],
                                                 "table_name": name, "sql": dataset["sql"]})["id"]
        for name, dataset in spec["datasets"].items()
    }
    title = spec["dashboard"]["title"]
    dashboard_id = superset.post("/api/v1/dashboard/", {"dashboard_title": title, "slug": slug, "published": True})["id"]
    chart_ids: dict[str, int] = {}
    for chart in spec["charts"]:
        dataset_id = dataset_ids[chart["dataset"]]
        params = form_data(chart, dataset_id)
        chart_ids[chart["key"]] = superset.post("/api/v1/chart/", {
            "slice_name": chart["name"], "viz_type": params["viz_type"], "datasource_id": dataset_id,
            "datasource_type": "table", "params": json.dumps(params, ensure_ascii=False), "dashboards": [dashboard_id],
        })["id"]
    superset.put(f"/api/v1/dashboard/{dashboard_id}", {
        "position_json": json.dumps(position(spec["charts"], chart_ids, title), ensure_ascii=False),
        "json_metadata": json.dumps({"refresh_frequency": 0, "timed_refresh_immune_slices": [], "expanded_slices": {},
                                     "color_scheme": "", "label_colors": {}, "native_filter_configuration": [],
                                     "cross_filters_enabled": False}),
    })
    return {"dashboard_id": dashboard_id, "dashboard_url": f"{superset.url}/superset/dashboard/{slug}/",
            "database_id": database_id, "datasets": dataset_ids, "charts": chart_ids}


def wait_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{url.rstrip('/')}/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"Superset at {url} not healthy after {timeout:.0f} s")
        time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("SUPERSET_URL", "http://127.0.0.1:8088"))
    parser.add_argument("--serving", type=Path, default=os.environ.get("COUNTYBUDGET_SERVING_PATH"), required=False)
    parser.add_argument("--username", default=os.environ.get("SUPERSET_ADMIN_USER", "admin"))
    parser.add_argument("--password", default=os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin"))
    parser.add_argument("--wait", type=float, default=300, help="seconds to wait for /health first")
    args = parser.parse_args(argv)
    if args.serving is None:
        parser.error("--serving (or COUNTYBUDGET_SERVING_PATH) names the serving copy")
    wait_healthy(args.url, args.wait)
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    result = provision(Superset(args.url, args.username, args.password), Path(args.serving), spec)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
