# countybudget: two commands on a fresh machine.
#   make run   installs what is missing and runs the nightly pipeline once
#   make test  installs what is missing and runs the test suite
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: install run test bench lock clean-data

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/bootstrap.sh
	scripts/bootstrap.sh

run: $(STAMP)
	$(BIN)/countybudget run

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/countybudget bench

# Re-resolve the pins after changing pyproject.toml dependencies.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra deploy --python-version 3.11 -o requirements.lock

clean-data:
	rm -rf data/
