"""Template filters the note editor needs to look up per-input values by computed names."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def error_for(errors: Mapping[str, str], name: str) -> str:
    """The field-level message for input `name`, or an empty string."""
    return errors.get(name, "") if errors else ""
