"""countybudget parsers: budget disclosures (PDF, DOCX, XLSX, legacy XLS and DOC) → parse-output records,
each classified budget / final account / not a budget disclosure (``parsers.classification``).

``parsers.document.parse_document`` is the entry point for one file;
``parsers.lake.parse_to_lake`` writes its records into the raw layer.
"""

from parsers.version import PARSER_VERSION, SCHEMA_VERSION

__all__ = ["PARSER_VERSION", "SCHEMA_VERSION"]
