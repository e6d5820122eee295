"""Logging that never writes a full identity number: the server's access log and the application's own messages.

A number reaches a log line through a URL (the worker API's look-up by number, a search's `q=`), an exception's
text (a database's "Key (id_number)=(…) already exists") or a traceback. A filter on the handlers masks every
15- or 18-character identity number in the message, its arguments and the exception's text before any line is
written, the way the pages mask them (first 6 and last 4 characters).
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from export_mgmt.idnumber import mask

# Not part of a longer run of digits: 18 characters (the last may be X) or the first generation's 15 digits.
IDENTITY_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


def mask_identity_numbers(text: str) -> str:
    return IDENTITY_NUMBER.sub(lambda m: mask(m.group(0)), text)


def _masked(value: Any) -> Any:
    return mask_identity_numbers(value) if isinstance(value, str) else value


class MaskIdentityNumbers(logging.Filter):
    """Masks the record in place (so every handler writes the masked text) and never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_identity_numbers(record.msg)
        if isinstance(record.args, tuple):
            # Kept a tuple of the same length: uvicorn's access formatter unpacks it by position.
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            # The formatter writes exc_text when it is set, instead of formatting the exception again.
            record.exc_text = mask_identity_numbers(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_identity_numbers(record.stack_info)
        return True


def install() -> None:
    """Put the filter on the handlers the server configured (uvicorn's own, or the root's), once each."""
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskIdentityNumbers) for f in handler.filters):
                handler.addFilter(MaskIdentityNumbers())


def access_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the filter on its handlers, and the application's messages (INFO and
    above) written beside the server's."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask_identity_numbers": {"()": MaskIdentityNumbers}}
    for handler in config["handlers"].values():
        handler["filters"] = ["mask_identity_numbers"]
    config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config
