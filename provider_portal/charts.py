"""Bar charts people can read, as inline SVG with the same figures in a table beside them.

Every chart has a y axis with round ticks and its unit, the category under each bar, the value on
top of each bar (and on hover, with the series' name), a legend when bars are stacked, and a table
of the same figures (screen readers, printing, copying). No JavaScript. The hours and invoicing
pages draw their charts here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from flask_babel import gettext as _

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 24, 34


@dataclass(frozen=True)
class Series:
    """One coloured part of the bars: its name (legend, hover, table head), css class and values."""

    name: str
    css: str
    values: Sequence[float]


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def bar_chart(
    categories: Sequence[str], series: Sequence[Series], *, title: str, unit: str,
    value: Callable[[float], str], tick: Callable[[float], str] | None = None,
    category_head: str = "", chart_id: str | None = None,
) -> str:
    """A stacked bar chart and its table, as one `<figure>`; `value` formats a figure for people
    (e.g. "€ 1.250,00", "12,5 uur") and `tick` an axis label (default: `value`)."""
    if not categories:
        return ""
    tick = tick or value
    totals = [sum(max(0.0, s.values[i]) for s in series) for i in range(len(categories))]
    ticks = nice_ticks(max(totals))
    top = ticks[-1] or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(categories)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [f'<text x="2" y="{TOP - 12}" class="unit">{escape(unit)}</text>']
    for t in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                     f'<text x="{LEFT - 6}" y="{y(t) + 3:.1f}" class="tick">{escape(tick(t))}</text>')
    for i, category in enumerate(categories):
        x, base = LEFT + i * step + step * 0.15, 0.0
        for s in series:
            v = max(0.0, s.values[i])  # a net-negative figure has no bar; the table shows it
            if v:
                parts.append(
                    f'<rect class="{s.css}" x="{x:.1f}" y="{y(base + v):.1f}" width="{step * 0.7:.1f}" '
                    f'height="{y(base) - y(base + v):.1f}"><title>{escape(category)}, {escape(s.name)}: '
                    f"{escape(value(s.values[i]))}</title></rect>")
            base += v
        centre = x + step * 0.35
        if totals[i] and len(categories) <= 12:
            parts.append(f'<text x="{centre:.1f}" y="{y(totals[i]) - 4:.1f}" class="value">'
                         f"{escape(tick(totals[i]))}</text>")
        parts.append(f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 14}" class="axis">'
                     f"{escape(category)}</text>")
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" class="baseline"/>')
    ident = f' id="{escape(chart_id)}"' if chart_id else ""
    few = " data-few" if len(categories) <= 8 else ""  # few bars: room for larger labels on a phone
    svg = (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
           f'class="chart"{ident}{few}><title>{escape(title)}</title>' + "".join(parts) + "</svg>")
    legend = ""
    if len(series) > 1:
        legend = '<p class="legend">' + " ".join(
            f'<span class="key {s.css}"></span>{escape(s.name)}' for s in series) + "</p>"
    return (f'<figure class="chart-figure"><figcaption>{escape(title)}</figcaption>{svg}{legend}'
            f"{_table(categories, series, value, category_head or title)}</figure>")


def _table(categories: Sequence[str], series: Sequence[Series], value: Callable[[float], str],
           head: str) -> str:
    heads = "".join(f'<th class="num">{escape(s.name)}</th>' for s in series)
    rows = "".join(
        f"<tr><td>{escape(c)}</td>" + "".join(f'<td class="num">{escape(value(s.values[i]))}</td>'
                                             for s in series) + "</tr>"
        for i, c in enumerate(categories))
    return (f'<details class="chart-data"><summary>{escape(_("The figures as a table"))}</summary>'
            f'<div class="table-wrap"><table class="list chart-table"><thead><tr><th>{escape(head)}</th>'
            f"{heads}</tr></thead><tbody>{rows}</tbody></table></div></details>")
