"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable by screen readers.

Every chart has a <title> and <desc>, and every mark a <title> with its value.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

PALETTE = ["#1b5e20", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#455a64"]
CHANNEL_COLOURS = {"vertical": "#1565c0", "horizontal": "#2e7d32", "market": "#ef6c00"}


def _svg(width, height, title, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        body,
    )


def _plain(value: Decimal) -> str:
    return f"{value:,.2f}"


def _top(flows, side: int, limit: int, other: str):
    """`flows` with the payers (side 0) or payees (side 2) beyond the `limit` - 1 largest
    merged into one node named `other` % {"n": how many were merged}."""
    totals = defaultdict(Decimal)
    for flow in flows:
        totals[flow[side]] += flow[3]
    if len(totals) <= limit:
        return flows
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    keep = {name for name, _ in ranked[: limit - 1]}
    label = other % {"n": len(totals) - len(keep)}
    merged = defaultdict(Decimal)
    for flow in flows:
        ends = list(flow[:3])
        if ends[side] not in keep:
            ends[side] = label
        merged[tuple(ends)] += flow[3]
    return [(*ends, value) for ends, value in merged.items()]


def sankey(
    flows,
    *,
    title: str,
    names: dict | None = None,
    amount=_plain,
    width: int = 760,
    height: int = 380,
    limit: int = 12,
    other: str | None = None,
):
    """Money from payers through channels to payees: (payer, channel, payee, amount) rows.

    Channels are keys of CHANNEL_COLOURS; `names` gives each node's display name
    (a channel's translated label, say) and `amount` formats a Decimal for the
    node labels and tooltips (formats.numbers.yuan_summary on Chinese pages).
    At most `limit` payers and `limit` payees are drawn: the largest, and the rest
    summed into one node labelled `other` % {"n": their number}, "N others" unless
    given (a national run's
    thousands of regions would be unreadable slivers), so the chart's size does not
    grow with the number of regions.
    """
    names = names or {}
    flows = [(a, c, b, Decimal(v)) for a, c, b, v in flows if Decimal(v) > 0]
    if not flows:
        return ""
    other = other or gettext("%(n)s others")
    flows = _top(_top(flows, 0, limit, other), 2, limit, other)
    columns = [defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)]
    for payer, channel, payee, value in flows:
        columns[0][payer] += value
        columns[1][channel] += value
        columns[2][payee] += value
    total = sum(columns[1].values())
    gap, node_width, margin = 8, 14, 150
    usable = height - gap * (max(len(c) for c in columns) + 1)
    scale = float(usable) / float(total)
    xs = [margin, width / 2 - node_width / 2, width - margin - node_width]
    nodes = []
    for column in columns:
        y, placed = gap, {}
        for name, total_in in sorted(column.items(), key=lambda item: (-item[1], item[0])):
            h = max(float(total_in) * scale, 1.0)
            placed[name] = {"top": y, "h": h, "in": y, "out": y}
            y += h + gap
        nodes.append(placed)
    links = []
    for payer, channel, payee, value in sorted(flows, key=lambda f: (-f[3], f[0], f[2])):
        h = max(float(value) * scale, 1.0)
        for i, left, right in ((0, payer, channel), (1, channel, payee)):
            source, target = nodes[i][left], nodes[i + 1][right]
            y0, y1 = source["out"] + h / 2, target["in"] + h / 2
            source["out"] += h
            target["in"] += h
            x0, x1 = xs[i] + node_width, xs[i + 1]
            mid = (x0 + x1) / 2
            links.append(
                (
                    f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}",
                    CHANNEL_COLOURS.get(channel, "#888"),
                    f"{h:.1f}",
                    f"{names.get(left, left)} → {names.get(right, right)}: {amount(value)}",
                )
            )
    link_marks = format_html_join(
        "",
        '<path d="{}" fill="none" stroke="{}" stroke-opacity="0.35" stroke-width="{}">'
        "<title>{}</title></path>",
        links,
    )
    node_marks = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#37474f"><title>{}</title></rect>'
        '<text x="{}" y="{}" font-size="11" text-anchor="{}" dominant-baseline="middle">{}'
        '<tspan fill="#555"> {}</tspan></text>',
        (
            (
                f"{xs[i]:.1f}",
                f"{top:.1f}",
                node_width,
                f"{h:.1f}",
                f"{names.get(name, name)}: {amount(columns[i][name])}",
                f"{xs[i] - 4 if i == 0 else xs[i] + node_width + 4:.1f}",
                f"{top + h / 2:.1f}",
                "end" if i == 0 else "start",
                names.get(name, name),
                amount(columns[i][name]),
            )
            for i, placed in enumerate(nodes)
            for name, node in placed.items()
            for top, h in [(node["top"], node["h"])]
        ),
    )
    return _svg(width, height, title, format_html("{}{}", link_marks, node_marks))


def line_chart(series: dict, *, title: str, amount=_plain, width: int = 760, height: int = 260):
    """`series`: name -> [(date, value)], values cumulative balances (a few: one line each;
    portal.selectors.balances_over_time sums all but the largest into one).

    `amount` formats a value for the axis, the end labels and tooltips (it says
    the unit). One date only gives dots and a single date label, not two.
    """
    points = [(d, v) for values in series.values() for d, v in values]
    if not points:
        return ""
    left, right, top, bottom = 90, 160, 10, 30
    dates = sorted({d for d, _ in points})
    lo = min(min(v for _, v in points), Decimal(0))
    hi = max(max(v for _, v in points), Decimal(0))
    span = float(hi - lo) or 1.0
    first, last = dates[0].toordinal(), dates[-1].toordinal()

    def x(d):
        if last == first:
            return (left + width - right) / 2
        return left + (width - left - right) * ((d.toordinal() - first) / (last - first))

    def y(v):
        return top + (height - top - bottom) * (1 - float(v - lo) / span)

    lines = []
    for n, (name, values) in enumerate(sorted(series.items())):
        colour = PALETTE[n % len(PALETTE)]
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in sorted(values))
        last_d, last_v = sorted(values)[-1]
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}</title></circle>',
            (
                (f"{x(d):.1f}", f"{y(v):.1f}", colour, f"{name} {d}: {amount(v)}")
                for d, v in sorted(values)
            ),
        )
        lines.append(
            (
                path,
                colour,
                f"{name}: {amount(last_v)}",
                dots,
                f"{x(last_d) + 6:.1f}",
                f"{y(last_v):.1f}",
                colour,
                name,
            )
        )
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" font-size="10" text-anchor="{}">{}</text>',
        left,
        f"{y(0):.1f}",
        width - right,
        f"{y(0):.1f}",
        left - 4,
        f"{y(hi):.1f}",
        amount(hi),
        left - 4,
        f"{y(lo):.1f}",
        amount(lo),
        left if len(dates) > 1 else x(dates[0]),
        height - 8,
        "start" if len(dates) > 1 else "middle",
        dates[0].isoformat(),
    )
    if len(dates) > 1:
        axis = format_html(
            '{}<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
            axis,
            width - right,
            height - 8,
            dates[-1].isoformat(),
        )
    marks = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"><title>{}</title>'
        '</polyline>{}<text x="{}" y="{}" font-size="11" fill="{}" '
        'dominant-baseline="middle">{}</text>',
        lines,
    )
    return _svg(width, height, title, format_html("{}{}", axis, marks))


def bar_chart(items, *, title: str, unit: str, width: int = 760, row: int = 22):
    """Horizontal bars, negatives to the left of zero: (label, value) rows."""
    items = [(label, Decimal(value)) for label, value in items]
    if not items:
        return ""
    label_width, value_width = 170, 120
    height = row * len(items) + 10
    lo = min(min(v for _, v in items), Decimal(0))
    hi = max(max(v for _, v in items), Decimal(0))
    span = float(hi - lo) or 1.0
    plot = width - label_width - value_width
    zero = label_width + plot * float(-lo) / span
    bars = []
    for n, (label, value) in enumerate(items):
        length = plot * float(abs(value)) / span
        x = zero - length if value < 0 else zero
        colour = "#c62828" if value < 0 else "#2e7d32"
        y = 5 + n * row
        bars.append(
            (
                label_width - 6,
                y + row / 2,
                label,
                x,
                y + 3,
                max(length, 1),
                row - 6,
                colour,
                f"{label}: {value:,} {unit}",
                width - value_width + 6,
                y + row / 2,
                f"{value:,}",
            )
        )
    marks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="end" dominant-baseline="middle">{}'
        '</text><rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title>'
        '</rect><text x="{}" y="{}" font-size="11" dominant-baseline="middle">{}</text>',
        bars,
    )
    return _svg(width, height, title, marks)
