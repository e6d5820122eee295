"""Employers at home and abroad that placed workers go to."""
