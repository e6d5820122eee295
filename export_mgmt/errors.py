"""Domain errors that services raise and the web layer turns into pages or JSON."""

from __future__ import annotations

from typing import Any


class FormErrors(Exception):
    """Bad input: translated messages keyed by field name ("" for the whole form). Nothing was written."""

    def __init__(self, errors: dict[str, str], extra: dict[str, Any] | None = None):
        super().__init__(errors)
        self.errors = errors
        self.extra = extra or {}


class RecordNotFound(Exception):
    """No such record in the caller's scope: the caller learns nothing about other scopes."""


class AccessDenied(Exception):
    """The caller's role may not do this."""
