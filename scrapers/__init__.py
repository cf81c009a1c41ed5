"""Scrapers: discover and download budget disclosures from county portals.

Stage functions in ``scrapers.api``; the portal registry is ``scrapers/portals.yml``;
how it all works: docs/portals.md.
"""
