"""countybudget: an open data warehouse of Chinese local-government budget disclosures.

This package is the shared core, and imports nothing of the project but itself
(docs/architecture.md): the lake layout (``paths``), the table-kind vocabulary
(``table_kinds``), exact money and the unit rule (``money``), the identities
and their tolerance (``identities``), the raw-layer and manifest schemas
(``contracts``), the file-type sniffer (``sniff``) and stage results
(``results``). The stages, orchestration and the ``countybudget`` command line
live in their own packages.
"""

__version__ = "0.1.0"
