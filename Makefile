# countybudget: two commands on a fresh machine.
#   make run   installs what is missing and runs the nightly pipeline once
#   make test  installs what is missing and runs the test suite
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: install run test bench lock clean-data bi bi-test cluster

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/bootstrap.sh
	scripts/bootstrap.sh

run: $(STAMP)
	$(BIN)/countybudget run

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/countybudget bench

# The nightly DAG once on a loopback Airflow cluster as compose deploys it (PostgreSQL, Redis,
# API server, scheduler, DAG processor, two Celery workers); stops all it started.
cluster: $(STAMP)
	scripts/cluster.sh

# Superset on the serving copy at http://127.0.0.1:8088 (its own .venv-superset from
# requirements-superset.lock; builds the warehouse first if there is none); Ctrl-C stops it.
bi: $(STAMP)
	$(BIN)/python bi/superset/serve.py

# The BI checks alone: report page, dashboard in headless Chromium, queries through publishes.
bi-test: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -s tests/bi

# Re-resolve the pins after changing pyproject.toml dependencies.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra deploy --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile bi/superset/requirements.in --python-version 3.11 -o requirements-superset.lock

clean-data:
	rm -rf data/
