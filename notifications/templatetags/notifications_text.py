"""Filters for message templates: state names people read."""

from django import template

register = template.Library()

SEVERITY = {"ok": "OK", "warn": "WARNING", "alert": "CRITICAL", "error": "ERROR", "": "UNKNOWN"}
COLOUR = {"ok": "#1a7f37", "warn": "#9a6700", "alert": "#cf222e", "error": "#8250df"}


@register.filter
def severity(state: str) -> str:
    """ok/warn/alert/error -> OK/WARNING/CRITICAL/ERROR (the words the LLM and the docs use)."""
    return SEVERITY.get(state or "", str(state).upper())


@register.filter
def severity_colour(state: str) -> str:
    return COLOUR.get(state or "", "#1f2328")
