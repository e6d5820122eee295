"""Audit trail: one row for every change, written in the same transaction as the change."""
