"""Input files and rows the tests refuse or accept, shared by the tests of every surface that
takes them (importer, management command, API, admin and portal pages).

BAD_INPUTS is the hostile corpus (tests/data/bad-inputs/, its README says what each file
breaks); FIELD the corpus of files as departments hand them over (tests/data/field/).
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
BAD_INPUTS = DATA / "bad-inputs"
FIELD = DATA / "field"


def corpus(name: str) -> tuple[str, bytes]:
    """(file name, content) of a file of the bad-input corpus."""
    return name, (BAD_INPUTS / name).read_bytes()


ALL_FILES = sorted(p.name for p in BAD_INPUTS.iterdir() if p.name != "README.md")
HOSTILE_NAMES = "script_and_sql_in_names.geojson"

# file -> (feature number or None for the whole file, words the zone import must say)
ZONE_REFUSALS = {
    "bowtie_self_intersecting.geojson": (1, "invalid geometry (Self-intersection"),
    "empty_geometry.geojson": (1, "empty geometry"),
    "future_survey_year.geojson": (1, "kind '' is not a zone kind"),
    "latitude_out_of_range.geojson": (None, "Latitude 95.02 lies outside -90..90"),
    "not_json.geojson": (None, "not valid JSON"),
    "null_geometry.geojson": (1, "has no geometry"),
    "one_bad_among_good.geojson": (1, "kind '' is not a zone kind"),
    "outside_china.geojson": (1, "lies 100% outside 黄山市 (341000)"),
    "point_not_polygon.geojson": (1, "is a Point; zones and land cover must be polygons"),
    "truncated.geojson": (None, "not valid JSON"),
    "unclosed_ring.geojson": (1, "has a ring that is not closed (ring 1: first point"),
    "unknown_landuse_code.geojson": (1, "kind '' is not a zone kind"),
    "web_mercator_declared_4326.geojson": (
        None,
        "are metres, but EPSG:4326 (WGS 84) is in degrees",
    ),
    "bad_wkt.csv": (None, "pass its EPSG code"),
    "gbk_encoded.csv": (None, "pass its EPSG code"),
    "negative_concentration.csv": (None, "no 'wkt' column"),
    "float_money.json": (None, "not a GeoJSON Feature or FeatureCollection"),
    "ratios_not_summing_to_one.json": (None, "not a GeoJSON Feature or FeatureCollection"),
}


# Monitoring files with a good row 1 and a bad row 2, each as every surface must refuse it
# (importer, command, API, portal page): the message names row 2 and the field, in English.
MONITORING_HEADER = "section,year,pollutant,mean_mg_per_l,source"
GOOD_ROW = "街口,2026,TN,1.1,监测站"
TOO_LARGE = "is too large: at most 7 digits before the point fit."
REFUSED_ROWS = {
    "1e400": ("街口,2026,TP,1e400", f"the annual mean 1e400 {TOO_LARGE}"),
    "99999999999": ("街口,2026,TP,99999999999", f"the annual mean 99999999999 {TOO_LARGE}"),
    "NaN": ("街口,2026,TP,NaN", "annual mean 'NaN' is not a number."),
    "Infinity": ("街口,2026,TP,Infinity", "annual mean 'Infinity' is not a number."),
    "six places": (
        "街口,2026,TP,0.020001",
        "the annual mean 0.020001 has more than 5 decimal places; round it.",
    ),
    "500-character section": (
        f"{'街' * 500},2026,TP,0.02",
        "monitoring section is 500 characters long; at most 100 fit.",
    ),
    "10,000-character section": (
        f"{'街' * 10_000},2026,TP,0.02",
        "monitoring section is 10000 characters long; at most 100 fit.",
    ),
    "NUL in the pollutant": (
        "街口,2026,T\x00P,0.02",
        "pollutant 'T\\x00P' is not one of CODMn, NH3-N, TN, TP.",
    ),
    "NUL in the year": ("街口,20\x0026,TP,0.02", "year '20\\x0026' is not a year or a date."),
    "NUL in the value": ("街口,2026,TP,0.0\x002", "annual mean '0.0\\x002' is not a number."),
    "a quoted field with a newline": (
        '"街\n口",2026,TP,0.02',
        "monitoring section contains the control character U+000A.",
    ),
    "301-character source": (
        f"街口,2026,TP,0.02,{'站' * 301}",
        "source is 301 characters long; at most 300 fit.",
    ),
    "NUL": ("街\x00口,2026,TP,0.02", "monitoring section contains a NUL character."),
    "a field beyond the header": (
        "街口,2026,TP,0.02,监测站,0.03",
        "field 6 is beyond the 5 columns of the header.",
    ),
    "no such month": ("街口,2026年13月,TP,0.02", "year '2026年13月' is not a year or a date."),
}


def monitoring_csv(*rows: str) -> bytes:
    """A monitoring CSV: MONITORING_HEADER, then these rows, UTF-8."""
    return "\n".join((MONITORING_HEADER, *rows, "")).encode()
