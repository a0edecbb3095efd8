"""The map of a change: the region in grey, what changed in red, drawn as SVG (no tiles)."""

from django.utils.translation import gettext as _

from compensation.maps import svg_map

BACKDROP, CHANGE_COLOUR = "#eeeeee", "#d32f2f"


def change_map(region, changes) -> str:
    """`changes`: (geometry, title) pairs; "" when there is nothing to draw."""
    changes = [(geometry, title) for geometry, title in changes if geometry]
    if not changes:
        return ""
    return svg_map(
        [(region.geometry, BACKDROP, region.name)]
        + [(geometry, CHANGE_COLOUR, title) for geometry, title in changes],
        label=_("Map of the change in %(region)s: changed land in red") % {"region": region.name},
    )
