"""`{{ amount|money }}`: `cleannote.platform.money.format_money` for templates."""

from __future__ import annotations

from django import template

from cleannote.platform.money import format_money

register = template.Library()


@register.filter
def money(value: object) -> str:
    return format_money(value)
