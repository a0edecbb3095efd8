"""Server-drawn SVG maps: they need no JavaScript, no tiles and no network."""

from django.utils.html import format_html, format_html_join

WIDTH = 640
MIN_TOLERANCE = 0.002  # degrees, about 200 m: the finest a region's map is drawn
# Light to dark green for sink density, red for net sources.
SINK_SCALE = ["#e8f5e9", "#a5d6a7", "#66bb6a", "#2e7d32", "#1b5e20"]
SOURCE_COLOUR = "#e57373"


def density_colour(tonnes_per_ha: float, top: float) -> str:
    if tonnes_per_ha <= 0:
        return SOURCE_COLOUR
    step = min(int(tonnes_per_ha / top * len(SINK_SCALE)), len(SINK_SCALE) - 1) if top else 0
    return SINK_SCALE[step]


def svg_map(shapes, *, label: str):
    """`shapes`: (geometry in degrees, fill colour, title). Returns safe SVG markup.

    `label` is the map's accessible name (screen readers announce it; each shape's
    title is its tooltip). Shapes are simplified to half a pixel of the map (at least
    MIN_TOLERANCE degrees), so a map of the whole country is not drawn finer than shown."""
    shapes = [(g, c, t) for g, c, t in shapes if g]
    if not shapes:
        return "-"
    xmin = min(g.extent[0] for g, _, _ in shapes)
    ymin = min(g.extent[1] for g, _, _ in shapes)
    xmax = max(g.extent[2] for g, _, _ in shapes)
    ymax = max(g.extent[3] for g, _, _ in shapes)
    span = max(xmax - xmin, ymax - ymin, 1e-9)
    scale = WIDTH / span
    height = (ymax - ymin) * scale
    tolerance = max(MIN_TOLERANCE, span / WIDTH / 2)
    shapes = [(g.simplify(tolerance, preserve_topology=True), c, t) for g, c, t in shapes]

    def path(geometry):
        polygons = geometry if geometry.geom_type == "MultiPolygon" else [geometry]
        return " ".join(
            "M"
            + " L".join(f"{(x - xmin) * scale:.1f},{(ymax - y) * scale:.1f}" for x, y in ring)
            + " Z"
            for polygon in polygons
            for ring in polygon
        )

    paths = format_html_join(
        "",
        '<path d="{}" fill="{}" fill-rule="evenodd" stroke="#555" stroke-width="0.5">'
        "<title>{}</title></path>",
        ((path(g), colour, title) for g, colour, title in shapes),
    )
    height = f"{height:.0f}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        label,
        label,
        paths,
    )
