"""The desk's SVG charts (annotations/admin/charts.py): named images, no script, labels escaped, colours that read."""

import pytest
from lxml import etree

from annotations import vocabulary
from annotations.admin import charts
from annotations.admin.charts import Series

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</text><script>alert('x')</script> & <b>bold</b>"


def parse(svg: str):
    return etree.fromstring(svg.encode())


@pytest.mark.parametrize("draw", [charts.line, charts.bars, charts.horizontal_bars])
def test_a_chart_is_a_named_image_without_script(draw):
    svg = draw("Approvals per day. 3 in all.", ["1 Mar", "2 Mar"], [Series("Approved", [1, 2], "#15803d")])
    root = parse(svg)
    assert not svg.startswith("<?xml")
    assert (root.get("role"), root.get("aria-label")) == ("img", "Approvals per day. 3 in all.")
    assert root.find(f"{SVG}title").text == "Approvals per day. 3 in all."
    assert root.findall(f".//{SVG}script") == []
    assert "<script" not in svg and "javascript" not in svg.lower()


def test_every_label_is_escaped_by_pygal_and_reads_as_given():
    svg = charts.bars(f"Title {HOSTILE}", [f"day {HOSTILE}"], [Series(f"series {HOSTILE}", [1], "#15803d")])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # well-formed XML: nothing broke out of its element
    texts = ["".join(element.itertext()) for element in root.iter(f"{SVG}text", f"{SVG}title", f"{SVG}desc")]
    assert f"day {HOSTILE}" in texts
    assert root.get("aria-label") == f"Title {HOSTILE}"


def test_a_chart_takes_its_colours_from_css_variables():
    svg = charts.bars("x", ["a"], [Series("Approved", [1], charts.status_colour("approved"))])
    assert "var(--fc-desk-approved)" in svg
    assert "var(--body-fg)" in svg
    assert "rgba(0, 0, 0" not in svg and "rgba(0,0,0" not in svg  # no fixed black: it would vanish on dark


def test_bars_may_each_have_their_own_colour_and_horizontal_bars_read_from_the_top():
    svg = charts.horizontal_bars(
        "x", ["Pending", "Approved"], [Series("Claims", [5, 3], colours=["var(--one)", "var(--two)"])]
    )
    root = parse(svg)
    bars = [group.get("style") for group in root.iter(f"{SVG}g") if group.get("class") == "bar"]
    # Drawn from the bottom: Approved, then Pending.
    assert bars == ["fill: var(--two); stroke: var(--two)", "fill: var(--one); stroke: var(--one)"]
    # pygal draws the first label at the bottom: the labels were given reversed, so "Pending" is on top.
    labels = [text.text for text in root.iter(f"{SVG}text") if text.text in ("Pending", "Approved")]
    ys = dict(
        zip(labels, [float(text.get("y")) for text in root.iter(f"{SVG}text") if text.text in labels], strict=True)
    )
    assert ys["Pending"] < ys["Approved"]


def test_counts_get_whole_number_ticks():
    assert charts.integer_ticks(0) == [0, 1]
    assert charts.integer_ticks(1) == [0, 1]
    assert charts.integer_ticks(3) == [0, 1, 2, 3]
    assert charts.integer_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.integer_ticks(460) == [0, 100, 200, 300, 400, 500]


def test_number_text():
    assert (charts.number_text(3.0), charts.number_text(2.46), charts.number_text(1234.0)) == ("3", "2.5", "1,234")


def test_the_palette_is_the_badge_colours_on_light_and_readable_ones_on_dark():
    palette = {status: (light, dark) for status, light, dark in charts.palette()}
    assert set(palette) == set(vocabulary.STATUSES)
    for status, (light, dark) in palette.items():
        assert light == vocabulary.STATUSES[status].colour
        assert charts.contrast(light, charts.LIGHT_BACKGROUND) >= charts.MIN_CONTRAST, status
        assert charts.contrast(dark, charts.DARK_BACKGROUND) >= charts.MIN_CONTRAST, status


def test_a_colour_is_lightened_only_as_much_as_needed():
    assert charts.readable_on("#ffffff", "#121212") == "#ffffff"
    assert charts.readable_on("#4ade80", "#121212") == "#4ade80"  # already readable: unchanged
    lighter = charts.readable_on("#be123c", "#121212")
    assert lighter != "#be123c" and charts.contrast(lighter, "#121212") >= 4.5
    assert charts.contrast("#000000", "#ffffff") == pytest.approx(21)
