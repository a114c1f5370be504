"""Template filters for the per-value facts of ``annotations.vocabulary``."""

from django import template

from annotations import vocabulary

register = template.Library()


@register.filter
def verdict_colour(verdict: str) -> str:
    return vocabulary.verdict_colour(verdict)


@register.filter
def status_colour(status: str) -> str:
    return vocabulary.status_colour(status)
