"""countybudget: an open data warehouse of Chinese local-government budget disclosures."""

__version__ = "0.1.0"
