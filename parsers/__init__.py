"""countybudget parsers: budget disclosures (PDF, DOCX, XLSX) → parse-output records.

``parsers.document.parse_document`` is the entry point for one file;
``parsers.lake.parse_to_lake`` writes its records into the raw layer.
"""

from __future__ import annotations

# Version of the parse-output records and of the raw layer rows they feed.
# Bump it whenever a change alters what the parser emits for the same input,
# so the raw layer says which parser produced each row.
PARSER_VERSION = "1.0.0"

# Version of the parse-output JSON shape (docs/parse-output.md,
# parsers/parse_output.schema.json); bump on any incompatible shape change.
SCHEMA_VERSION = "1"
