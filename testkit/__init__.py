"""The test harness: everything that stands in for the outside world so the
product can be run and checked offline. Not part of the product: the image
and the deployment registry leave it out, and product code never imports it
(tests/test_import_graph.py).

- ``corpus/``: the synthetic corpus generator and its ground-truth checks
  (the committed corpus itself is the top-level ``corpus/`` folder);
- ``mirror/``: county portals served from the corpus on 127.0.0.1, and
  ``portals.yml``, the crawler registry of those portals;
- ``demo.py``: what ``countybudget run`` uses, when the testkit is installed,
  to start the mirror and point the crawler at it (``make run``);
- ``ground_truth_lake.py``, ``scale_corpus.py``: raw layers written without
  the parser, for warehouse and quality tests and the scale benchmark;
- ``handmade_pdf.py``: PDFs written object by object for fixtures.
"""

from __future__ import annotations

from pathlib import Path

from countybudget import paths

# The committed corpus (generated documents with ground truth, and real ones).
CORPUS_DIR = paths.REPO_ROOT / "corpus"
# The crawler's registry of the mirror's portals (the deployment's is scrapers/portals.yml).
MIRROR_REGISTRY = Path(__file__).resolve().with_name("portals.yml")
# Where the mirror listens by default: attachment URLs include the port, and
# the crawler's conditional GETs are keyed by URL, so a fixed port lets a
# second `make run` download nothing unchanged.
DEFAULT_MIRROR_URL = "http://127.0.0.1:8765"
