# countybudget: one image for every Airflow service (api-server, scheduler,
# dag-processor, triggerer, Celery workers) and for `countybudget` commands.
#
# It installs requirements.lock exactly, the same pins `make install` uses;
# the lock includes the `deploy` extra (PostgreSQL driver for the metadata
# database, Celery provider for the `celery` profile).
FROM python:3.11-slim-bookworm

ARG AIRFLOW_UID=50000

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COUNTYBUDGET_HOME=/opt/countybudget \
    COUNTYBUDGET_DATA=/opt/countybudget/data \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/countybudget/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False

# curl: container healthchecks; tini: signal handling for long-running services.
# libgl1, libglib2.0-0: OpenCV, which the OCR engine (rapidocr-onnxruntime) loads;
# LibreOffice (nogui): legacy .doc attachments are converted to .docx (parsers/doc.py).
# The same packages scripts/bootstrap.sh installs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl tini libgl1 libglib2.0-0 \
    libreoffice-writer-nogui libreoffice-calc-nogui \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9 \
 && useradd --uid "${AIRFLOW_UID}" --gid 0 --create-home --home-dir /home/airflow airflow

WORKDIR /opt/countybudget

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN uv pip install --system --no-cache -r requirements.lock

# The product itself: the core, the stages, orchestration, the dbt project and
# the DAGs (dags/, dbt_project/, expectations/ are also mounted in
# docker-compose.yml so operators can change them without rebuilding). The test
# harness (testkit/, corpus/) and benchmarks/ are not shipped: the entry points
# pyproject.toml declares for them are skipped where they are missing.
COPY pyproject.toml README.md ./
COPY countybudget ./countybudget
COPY scrapers ./scrapers
COPY parsers ./parsers
COPY expectations ./expectations
COPY orchestration ./orchestration
COPY dbt_project ./dbt_project
COPY dags ./dags
RUN uv pip install --system --no-cache --no-deps -e . \
 && mkdir -p "${AIRFLOW_HOME}" "${COUNTYBUDGET_DATA}" \
 && chown -R "${AIRFLOW_UID}:0" "${AIRFLOW_HOME}" "${COUNTYBUDGET_DATA}" /opt/countybudget/dbt_project \
 && chmod -R g+rwX "${AIRFLOW_HOME}" "${COUNTYBUDGET_DATA}" /opt/countybudget/dbt_project

USER ${AIRFLOW_UID}
ENTRYPOINT ["/usr/bin/tini", "--", "airflow"]
CMD ["version"]
