#!/usr/bin/env bash
# Install what is missing for countybudget on a fresh Debian machine:
# Debian packages, then .venv/ from requirements.lock (exact pins), then the
# project itself (editable) so `countybudget` is on .venv/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the running product needs (the corpus *generator* needs more:
# see docs/corpus.md; its output is committed so nothing here depends on it).
# qpdf builds the 300-page benchmark PDF; poppler-utils (pdftotext) lets the
# real-PDF eval judge which documents print a function table independently;
# fonts-wqy-microhei lets the run report's charts and Superset's screenshots draw Chinese names.
# libgl1 and libglib2.0-0: OpenCV, which the OCR engine (rapidocr-onnxruntime) loads.
APT_PACKAGES=(ca-certificates python3-venv qpdf poppler-utils fonts-wqy-microhei libgl1 libglib2.0-0)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: apt-get install ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "bootstrap: missing Debian packages (need root): ${missing[*]}" >&2
  fi
fi

# Legacy Word .doc attachments are read by converting them with LibreOffice
# headless (parsers/doc.py); the nogui packages, only when no soffice is there.
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: apt-get install LibreOffice (nogui) for .doc attachments"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui libreoffice-calc-nogui
  else
    echo "bootstrap: LibreOffice (soffice) missing (need root): .doc attachments cannot be read" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PYTHON" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip --version >/dev/null 2>&1 || .venv/bin/python -m ensurepip >/dev/null
  .venv/bin/python -m pip install -q uv
fi
echo "bootstrap: installing requirements.lock"
.venv/bin/uv pip install -q --python .venv/bin/python -r requirements.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
# Byte-compile once: with PYTHONDONTWRITEBYTECODE set (as on these machines)
# every Airflow, dbt and GX start would otherwise recompile from source
# (measured: GX + Airflow import 16 s -> 6 s). Already-compiled files are skipped.
echo "bootstrap: byte-compiling .venv"
.venv/bin/python -m compileall -q -j 0 .venv/lib >/dev/null 2>&1 || true
touch .venv/.installed
