#!/usr/bin/env sh
# compose's superset service: the same steps as bi/superset/serve.py (make bi), in a container.
# Metadata migrations, the admin user, roles; then gunicorn; then provision.py (the read-only
# DuckDB database on the serving copy, datasets, charts, the dashboard) once it is healthy.
set -eu
: "${SUPERSET_SECRET_KEY:?set SUPERSET_SECRET_KEY}"
: "${COUNTYBUDGET_SERVING_PATH:?set COUNTYBUDGET_SERVING_PATH}"
HERE=$(dirname "$0")
PORT=${SUPERSET_PORT:-8088}
superset db upgrade
superset fab create-admin --username "${SUPERSET_ADMIN_USER:-admin}" --firstname countybudget --lastname admin \
  --email admin@localhost --password "${SUPERSET_ADMIN_PASSWORD:?set SUPERSET_ADMIN_PASSWORD}" || true  # exists on restart
superset init
gunicorn --bind "0.0.0.0:${PORT}" --workers "${SUPERSET_WORKERS:-2}" --worker-class gthread --threads 8 \
  --timeout 120 "superset.app:create_app()" &
server=$!
until [ -f "$COUNTYBUDGET_SERVING_PATH" ]; do  # a fresh deployment: the first nightly run publishes it
  echo "superset: waiting for the serving copy $COUNTYBUDGET_SERVING_PATH"; sleep 30
done
trap 'kill -TERM "$server"; wait "$server"' TERM INT
python "$HERE/provision.py" --url "http://127.0.0.1:${PORT}" --serving "$COUNTYBUDGET_SERVING_PATH" --wait 300
wait "$server"
