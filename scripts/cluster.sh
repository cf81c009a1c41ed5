#!/usr/bin/env bash
# make cluster: the nightly DAG once on a loopback Airflow cluster shaped like
# docker-compose.yml (PostgreSQL, Redis, API server, scheduler, DAG processor,
# two Celery workers), against the testkit's mirror; see orchestration/cluster.py.
# Installs the two Debian servers it needs if missing, then hands over to
# `countybudget cluster` (exec: Ctrl-C and SIGTERM reach it and it stops what it started).
#   scripts/cluster.sh --install-only   only install the servers (tests/orchestration/test_cluster.py)
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER_PACKAGES=(postgresql redis-server)
missing=()
for pkg in "${CLUSTER_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "cluster: missing Debian packages (need root): ${missing[*]}" >&2
    exit 1
  fi
  echo "cluster: apt-get install ${missing[*]}"
  apt-get update -qq
  # policy-rc.d: install the servers without starting the system-wide instances
  # (the cluster starts its own, on free loopback ports, in a throwaway directory).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$(trap -p EXIT)" ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi
[ "${1:-}" = --install-only ] && exit 0
[ -x .venv/bin/countybudget ] || scripts/bootstrap.sh
exec .venv/bin/countybudget cluster "$@"
