"""The report's charts: real matplotlib SVG documents, reproducible from the same inputs."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from costcalc.compare.scenario import scenario
from costcalc.report.charts import CHARTS, draw_charts
from costcalc.report.decision import decision

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"


def charts() -> dict[str, bytes]:
    return draw_charts(decision(scenario(), D(250_000), (D(1_000), D(10) ** 8), 3))


def test_every_chart_is_a_standalone_svg_with_its_text_drawn_as_paths() -> None:
    drawn = charts()
    assert list(drawn) == list(CHARTS)
    for svg in drawn.values():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert float(root.attrib["width"].removesuffix("pt")) > 500
        assert root.iter(f"{SVG}path") is not None
        assert b"<text" not in svg  # glyphs as paths: no font needed where the report opens
        links = [
            value
            for element in root.iter()
            for name, value in element.attrib.items()
            if name.endswith("href")
        ]
        assert links
        assert all(link.startswith("#") for link in links)  # only references inside the SVG


def test_the_same_inputs_draw_the_same_bytes() -> None:
    assert charts() == charts()


def test_the_charts_carry_their_titles_in_the_svg_metadata() -> None:
    drawn = charts()
    # matplotlib keeps the drawn text in <!-- comments --> next to its glyph paths
    assert b"What moves the answer at 250K orders/month" in drawn["sensitivity"]
    assert b"Cost per order by service at 250K orders/month" in (drawn["cost-per-order-by-service"])
    # the one crossing in range (near 5,424 orders/month) is marked; a range above it has none
    assert b"<!-- break-even -->" in drawn["cost-by-volume"]
    assert b"<!-- 5.42K orders/month -->" in drawn["cost-by-volume"]
    above = draw_charts(decision(scenario(), D(250_000), (D(10_000), D(10) ** 8), 3))
    assert b"break-even" not in above["cost-by-volume"]
