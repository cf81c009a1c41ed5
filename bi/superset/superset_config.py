"""Superset's configuration for countybudget (``SUPERSET_CONFIG_PATH`` points here).

The same file serves ``make bi`` (bi/superset/serve.py, on 127.0.0.1) and compose's
``superset`` service. Superset's own metadata (users, charts, the dashboard) lives in a
SQLite file under ``SUPERSET_HOME``: it is rebuilt from the provisioning files
(bi/superset/dashboard.yml via provision.py) on every start, so it may be thrown away.
The marts are read from the serving copy, read-only (see provision.py).
"""

import os

SUPERSET_HOME = os.environ["SUPERSET_HOME"]
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if not SECRET_KEY:  # it signs sessions and encrypts the stored connection: never a default
    raise RuntimeError("set SUPERSET_SECRET_KEY (bi/superset/serve.py makes one per start)")
JWT_SECRET_KEY = SECRET_KEY  # the REST API's login tokens (provision.py); FAB reads this key at import
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(SUPERSET_HOME, "superset.db")

# No result cache: after a publish the next query must read the new copy, not an old answer.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
FILTER_STATE_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
EXPLORE_FORM_DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
# Rate limiting wants a shared store (Redis) in production; on loopback an in-memory one is honest.
RATELIMIT_STORAGE_URI = "memory://"

# Served over plain HTTP on loopback (or behind compose's port mapping): no HTTPS-only cookies / CSP nonce.
TALISMAN_ENABLED = False
SESSION_COOKIE_SECURE = False
# The machine is offline: no telemetry, no map tiles, no example data.
SCARF_ANALYTICS = False
FEATURE_FLAGS = {"DASHBOARD_RBAC": False}
SQLLAB_CTAS_NO_LIMIT = True
ROW_LIMIT = 50000
# Money is DECIMAL(18,2) in the marts; Superset's JSON carries it as a number and the
# charts format it with ",.2f" (exact to the cent below 2**53 fen).
