"""Which regions' figures rest on synthetic land cover, so that every page can say so.

Land cover imported as synthetic (LandCover.synthetic: the demo's generated DLTB
layers, test data) makes whatever is computed from it synthetic too: valuations,
positions, sink tonnes, detected changes and alerts. A region's figures rest on
synthetic land cover when the region, or a region it lies in (city, province),
has any: valuation falls back to the survey of the nearest enclosing region.
"""

from collections.abc import Iterable

from pilots.models import LandCover


def synthetic_codes(codes: Iterable[str]) -> set[str]:
    """The GB/T 2260 codes among `codes` whose own or enclosing region's land cover, of
    any survey year, is synthetic. One query, whatever the number of codes."""
    marked = set(
        LandCover.objects.filter(synthetic=True)
        .values_list("region__code", flat=True)
        .distinct()
        .order_by()
    )
    if not marked:
        return set()
    return {code for code in codes if {code, f"{code[:4]}00", f"{code[:2]}0000"} & marked}
