"""The demo ``make run`` is: the offline mirror, started for ``countybudget run``.

``countybudget run`` (``orchestration.pipeline_cli``) runs the nightly DAG
against whatever portal registry is configured. When the testkit is installed
it finds ``mirror_portals`` through the ``countybudget.portal_environments``
entry point (pyproject.toml) and runs the DAG inside it: the mirror serves the
corpus on 127.0.0.1 and the crawler reads the mirror's registry
(``testkit/portals.yml``) instead of the deployment's. ``--no-mirror`` skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlsplit

from countybudget.paths import environment
from testkit import DEFAULT_MIRROR_URL, MIRROR_REGISTRY

log = logging.getLogger(__name__)


def crawler_environment(base_url: str) -> dict[str, str]:
    """The variables that point the crawler at a mirror serving on ``base_url``."""
    return {"COUNTYBUDGET_MIRROR_URL": base_url, "COUNTYBUDGET_PORTAL_REGISTRY": str(MIRROR_REGISTRY)}


@contextmanager
def mirror_portals(as_of: date | None = None) -> Iterator[str]:
    """The portal mirror on 127.0.0.1 with the crawler pointed at it; yields its base URL.

    It listens on the default mirror port when it can: attachment URLs include
    the port, and the crawler's conditional GETs (so a second run downloads
    nothing unchanged) are keyed by URL.
    """
    from testkit.mirror.server import MirrorServer  # keep `countybudget --help` cheap

    try:
        server = MirrorServer(port=urlsplit(DEFAULT_MIRROR_URL).port or 0, as_of=as_of).start()
    except OSError as exc:  # the port is taken (another run, a mirror already serving)
        log.warning("mirror port busy (%s); using a free port, so this crawl cannot reuse earlier downloads", exc)
        server = MirrorServer(port=0, as_of=as_of).start()
    try:
        with environment(**crawler_environment(server.base_url)):
            yield server.base_url
    finally:
        server.stop()
