"""Bar charts rendered on the server as SVG bars (length as an attribute, no inline style): no script, no CDN, and every bar carries its
label and its number in text, so nothing depends on colour."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # percent of the widest bar
    url: str = ""  # the list of what the bar counts, when there is one


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    bars: list[Bar]


def bar_chart(slug: str, title: str, items: list[tuple]) -> BarChart:
    """`items`: (label, value) or (label, value, url of the list it counts)."""
    peak = max((item[1] for item in items), default=0) or 1
    return BarChart(slug=slug, title=title, bars=[
        Bar(label=str(label), value=int(value), width=round(100 * value / peak, 1), url=url or "")
        for label, value, url in ((*item, "")[:3] for item in items)])
