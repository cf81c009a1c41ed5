"""The corpus: generated budget disclosures with machine-readable ground truth.

``build`` regenerates ``corpus/`` (needs LibreOffice, qpdf, poppler);
``check`` verifies the committed files with pure-Python readers only.
See docs/corpus.md.
"""
