"""Ingestion and indexing of customs cooperation records (`python -m indexer build|search|stats`)."""
