"""Charts drawn as SVG on the server: no script, readable in an iframe, a feed reader or a
PDF, and accessible (`role="img"`, a title and a description; the table beside them holds
the same numbers). Why not a JavaScript chart library: the two charts the observatory
needs (evolution over years, comparison of territories) are a few dozen shapes, and
server-side SVG costs no download, works without JavaScript and under the strict CSP.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

SERIES_COLORS = ["#045a8d", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]


def _fmt(value: float, decimals: int) -> str:
    return number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    """(top, bottom, step) of a line chart's axis: round steps around the data, not from
    zero (a line chart shows change; the bar chart beside it starts at zero)."""
    import math

    span = (high - low) or abs(high) or 1.0
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    if top == bottom:
        top = bottom + step
    return top, bottom, step


def evolution_svg(
    title: str, unit: str, lines: dict[str, list[tuple[int, float]]], decimals: int = 1
) -> str:
    """A line per territory (`{label: [(year, value), …]}`) over the years."""
    width, height, left, right, top, bottom = 640, 320, 64, 150, 30, 36
    years = sorted({year for points in lines.values() for year, _v in points})
    numbers = [v for points in lines.values() for _y, v in points]
    if not years:
        return ""
    top_value, bottom_value, step = _nice_range(min(numbers), max(numbers))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(year):
        if len(years) == 1:
            return left + plot_w / 2
        return left + plot_w * (year - years[0]) / (years[-1] - years[0])

    def y(value):
        return top + plot_h * (1 - (value - bottom_value) / ((top_value - bottom_value) or 1))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-evo-title chart-evo-desc" class="chart">',
        f'<title id="chart-evo-title">{escape(title)}</title>',
        '<desc id="chart-evo-desc">'
        + escape(
            "; ".join(
                f"{label}: " + ", ".join(f"{yr} {_fmt(v, decimals)}" for yr, v in points)
                for label, points in lines.items()
            )
        )
        + "</desc>",
    ]
    ticks = round((top_value - bottom_value) / step)
    for k in range(ticks + 1):
        value = bottom_value + step * k
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(_fmt(value, 0 if step >= 1 else decimals))}</text>"
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'font-size="11">{year}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{top - 12}" font-size="11" fill="#555">{escape(unit)}</text>'
    )
    for index, (label, points) in enumerate(lines.items()):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for yr, v in points:
            parts.append(
                f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(label)} {yr}: {escape(_fmt(v, decimals))}</title></circle>"
            )
        parts.append(
            f'<rect x="{width - right + 12}" y="{top + index * 20}" width="12" height="12" '
            f'fill="{color}"/><text x="{width - right + 30}" y="{top + index * 20 + 11}" '
            f'font-size="12">{escape(label[:20])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def comparison_svg(title: str, unit: str, bars: list[tuple[str, float]], decimals: int = 1) -> str:
    """Horizontal bars, one per territory, largest first."""
    if not bars:
        return ""
    row, left, right, top = 22, 190, 80, 10
    width = 640
    height = top + row * len(bars) + 10
    top_value = _nice_max(max(v for _l, v in bars)) or 1
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-cmp-title chart-cmp-desc" class="chart">',
        f'<title id="chart-cmp-title">{escape(title)}</title>',
        '<desc id="chart-cmp-desc">'
        + escape("; ".join(f"{label}: {_fmt(v, decimals)} {unit}" for label, v in bars))
        + "</desc>",
    ]
    for index, (label, value) in enumerate(bars):
        y = top + index * row
        w = max(0.0, plot_w * value / top_value)
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(label[:28])}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#2b8cbe"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 15}" font-size="11">'
            f"{escape(_fmt(value, decimals))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
