"""SVG charts drawn on the server with pygal and put inline in the page: no script, nothing fetched.

pygal builds its SVG as an XML tree, so every label it is given (a username, a document title) is
escaped; its output is the only markup here marked safe. The inline script pygal always writes (the
configuration of its optional tooltip script) is removed: the Content-Security-Policy would refuse
it anyway. Each chart is an image to assistive technology (``role="img"`` and its label); the page
gives its numbers as a table beside it. Colours are CSS variables: the admin's own for text and
lines, and one per status (``palette``) for the series, so that a chart follows the light and dark
themes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from .. import vocabulary

DARK_BACKGROUND = "#121212"  # the admin's dark theme (--body-bg)
LIGHT_BACKGROUND = "#ffffff"
MIN_CONTRAST = 4.5  # each series colour against the page, in both themes
# Charts are drawn at the width they are shown at on a 1400-pixel screen, so that their text is the page's size.
FULL_WIDTH, HALF_WIDTH = 1300, 640

STYLE_OPTIONS: dict[str, Any] = {
    "background": "transparent",
    "plot_background": "transparent",
    "foreground": "var(--body-fg)",
    "foreground_strong": "var(--body-fg)",
    "foreground_subtle": "var(--body-quiet-color)",
    "guide_stroke_color": "var(--border-color)",
    "major_guide_stroke_color": "var(--border-color)",
    "font_family": "var(--font-family-primary)",
    "label_font_size": 13,
    "major_label_font_size": 13,
    "legend_font_size": 14,
    "value_font_size": 13,
    "value_label_font_size": 13,
    "title_font_size": 16,
    "no_data_font_size": 20,
    "opacity": "1",
    "opacity_hover": "1",
    "stroke_width": "2",
    "stroke_width_hover": "2",
    "transition": "none",
}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str = "var(--body-fg)"  # a CSS colour: ``status_colour(status)`` for a status
    colours: Sequence[str] = ()  # one per value, if the values differ (the bars of a status each)

    def points(self) -> list:
        """Return the values as pygal takes them: a value with its own colour is a dict."""
        if not self.colours:
            return list(self.values)
        return [{"value": value, "color": colour} for value, colour in zip(self.values, self.colours, strict=True)]


def status_colour(status: str) -> str:
    """Return the CSS colour of ``status`` in charts: a variable set by ``palette`` for each theme."""
    return f"var(--fc-desk-{status})"


def palette() -> list[tuple[str, str, str]]:
    """Return (status, light theme colour, dark theme colour) for every status.

    The light colour is the status's badge colour (``vocabulary``); the dark one is the same hue
    lightened until it stands out from the dark theme's background as much.
    """
    return [
        (status, terms.colour, readable_on(terms.colour, DARK_BACKGROUND))
        for status, terms in vocabulary.STATUSES.items()
    ]


def readable_on(colour: str, background: str, ratio: float = MIN_CONTRAST) -> str:
    """Return ``colour`` mixed with white, as little as needed to reach ``ratio`` against ``background``."""
    red, green, blue = _rgb(colour)
    for step in range(21):
        share = step / 20
        mixed = tuple(round(c + (255 - c) * share) for c in (red, green, blue))
        candidate = "#{:02x}{:02x}{:02x}".format(*mixed)
        if contrast(candidate, background) >= ratio:
            return candidate
    return "#ffffff"


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours written #rrggbb."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def number_text(value: float) -> str:
    """Return ``value`` with one decimal, none if it is whole: 2.5, 3."""
    return f"{value:,.1f}".removesuffix(".0")


def integer_ticks(highest: float, count: int = 5) -> list[int]:
    """Return round whole-number ticks from 0 to at least ``highest`` (a count has no fractions)."""
    if highest <= 0:
        return [0, 1]
    raw = highest / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return list(range(0, int(math.ceil(highest / step) * step) + 1, step))


def line(label: str, x_labels: Sequence[str], series: Sequence[Series], **options) -> SafeString:
    """Return an inline SVG line chart (a gap where a value is None)."""
    return _draw(pygal.Line, label, x_labels, series, allow_interruptions=True, dots_size=3, **options)


def bars(label: str, x_labels: Sequence[str], series: Sequence[Series], **options) -> SafeString:
    """Return an inline SVG bar chart, one group of bars per label."""
    return _draw(pygal.Bar, label, x_labels, series, **options)


def horizontal_bars(label: str, x_labels: Sequence[str], series: Sequence[Series], **options) -> SafeString:
    """Return an inline SVG horizontal bar chart, the first label at the top."""
    reversed_series = [Series(s.name, s.values[::-1], s.colour, s.colours[::-1]) for s in series]
    return _draw(pygal.HorizontalBar, label, list(reversed(x_labels)), reversed_series, **options)


def _draw(
    kind: Callable[..., Any],
    label: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    counts: bool = False,
    percent: bool = False,
    width: int = HALF_WIDTH,
    height: int = 300,
    **options,
) -> SafeString:
    """Draw ``series`` with pygal; ``counts``: whole-number ticks; ``percent``: values 0-100 shown with %."""
    values = [value for s in series for value in s.values if value is not None]
    if counts:
        options.setdefault("y_labels", integer_ticks(max(values, default=0)))
        options.setdefault("value_formatter", lambda value: f"{value:.0f}")
    if percent:
        options.setdefault("range", (0, 100))
        options.setdefault("y_labels", [0, 25, 50, 75, 100])
        options.setdefault("value_formatter", lambda value: f"{value:.0f}%")
    every = max(1, math.ceil(len(x_labels) / 8))
    chart = kind(
        js=[],  # no script: the configuration script is removed below too
        disable_xml_declaration=True,
        style=Style(**STYLE_OPTIONS, colors=tuple(s.colour for s in series) or ("var(--body-fg)",)),
        width=width,
        height=height,
        margin=12,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=max(1, min(len(series), width // 150)),  # one row where it fits
        truncate_legend=-1,
        truncate_label=-1,
        x_labels=list(x_labels),
        x_labels_major_every=every if every > 1 else None,
        show_minor_x_labels=every == 1,
        show_x_guides=False,
        no_data_text="No data",
        **options,
    )
    for s in series:
        chart.add(s.name, s.points())
    chart.add_xml_filter(_accessible(label))
    return mark_safe(chart.render())  # pygal's own SVG: it escaped every label it was given


def _accessible(label: str):
    """Return pygal's XML filter that names the chart and removes its script."""

    def accessible(root):
        for parent in list(root.iter()):
            for child in list(parent):
                if _local_name(child) == "script":
                    parent.remove(child)
        root.set("role", "img")
        root.set("aria-label", label)
        for child in root:
            if _local_name(child) == "title":  # the chart's own title, first of the many in it
                child.text = label
                break
        root.set("class", (root.get("class", "") + " fc-desk-svg").strip())
        return root

    return accessible


def _local_name(element) -> str:
    """Return the tag of ``element`` without its namespace ("" for a comment)."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
