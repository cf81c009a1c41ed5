"""Versions the parser records with its output.

(A module of its own rather than only ``parsers/__init__.py``: an editable
install made before the package had an ``__init__`` resolves ``parsers`` as a
namespace package, which skips ``__init__``.)
"""

from __future__ import annotations

# Version of the parse-output records and of the raw layer rows they feed.
# Bump it whenever a change alters what the parser emits for the same input,
# so the raw layer says which parser produced each row.
PARSER_VERSION = "1.4.0"  # 1.4: OCR reads printed dashes, project-code digits and wrapped digits; a repeated header regrouped into other rows is dropped from continuations; 1.3: OCR confidence per amount, identity-confirmed OCR corrections; 1.2: claims carry their verdict; 1.1: not_budget, .xls, .doc

# Version of the parse-output JSON shape (docs/parse-output.md,
# parsers/parse_output.schema.json); bump on any incompatible shape change.
SCHEMA_VERSION = "1"
