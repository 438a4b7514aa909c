"""Hours per month as a chart people read (axes, unit, values, a table beside): `charts.bar_chart`."""

from __future__ import annotations

from flask_babel import gettext as _

from provider_portal.charts import Series, bar_chart
from provider_portal.i18n import number


def month_bars_svg(by_month: dict[str, int], title: str) -> str:
    """Bars of hours per month (minutes in, hours shown) for the last 18 months, labelled MM-YY."""
    if not by_month:
        return ""
    months = list(by_month)[-18:]
    return bar_chart(
        [f"{m[5:7]}-{m[2:4]}" for m in months],
        [Series(_("Hours"), "hours", [by_month[m] / 60 for m in months])],
        title=title, unit=_("hours"), value=lambda h: number(h, 1), tick=lambda h: number(h, 0),
        category_head=_("Month"),
    )
