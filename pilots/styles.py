"""One colour per zone kind, everywhere a zone is drawn or listed (admin, pages, maps)."""

from pilots.models import Zone

ZONE_COLOURS = {
    Zone.Kind.ECOLOGICAL_RED_LINE: "#c62828",
    Zone.Kind.ECOLOGICAL_FUNCTION_AREA: "#2e7d32",
    Zone.Kind.PERMANENT_BASIC_FARMLAND: "#f9a825",
    Zone.Kind.GRAIN_PRODUCING_AREA: "#8d6e63",
    Zone.Kind.URBAN_DEVELOPMENT_BOUNDARY: "#6a1b9a",
    Zone.Kind.URBANISED_AREA: "#455a64",
}
