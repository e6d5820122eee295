"""Placements of pool workers at home and abroad, their lifecycle, documents and the fee ledger."""
