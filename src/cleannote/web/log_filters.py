"""Logging filters that keep PHI out of log lines.

URLs carry internal ids only, but a query string can carry what a user typed (a patient search
is a name), so it is cut from every request line before it reaches a handler.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


def strip_query(text: str) -> str:
    return _QUERY.sub("?[redacted]", text)


class StripQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = strip_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                strip_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
