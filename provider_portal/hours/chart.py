"""A bar chart of hours per month as inline SVG: no JavaScript, prints well, reads in any browser."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 640, 180, 28


def month_bars_svg(by_month: dict[str, int], title: str) -> str:
    """Bars of hours per month (minutes in, hours shown), labelled MM-YY underneath."""
    if not by_month:
        return ""
    months = list(by_month)[-18:]
    top = max(by_month[m] for m in months) / 60 or 1
    step = (WIDTH - 2 * PAD) / len(months)
    bars = []
    for i, month in enumerate(months):
        hours = by_month[month] / 60
        height = (HEIGHT - 2 * PAD) * hours / top
        x, y = PAD + i * step + step * 0.15, HEIGHT - PAD - height
        label = f"{month[5:7]}-{month[2:4]}"
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{height:.1f}" rx="2">'
            f"<title>{escape(month)}: {hours:.1f} h</title></rect>"
            f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - PAD + 14}" class="axis">{label}</text>'
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" class="value">{hours:.0f}</text>'
        )
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(bars)}</svg>"
    )
