"""Coordinate systems of Chinese government data: which we accept, and how we recognise them.

Accepted (EPSG codes, as in the EPSG registry that PROJ ships):

- 4490 CGCS2000 geographic (degrees), the national datum since 2008;
- 4491–4501 CGCS2000 Gauss–Krüger 6° zones 13–23 (X with the zone number prefixed,
  false easting zone × 10⁶ + 500 000 m), 4502–4512 the same zones by central meridian
  (75°E–135°E, no prefix);
- 4513–4533 CGCS2000 Gauss–Krüger 3° zones 25–45 (prefixed), 4534–4554 the same by
  central meridian (no prefix);
- 4326 WGS 84 and 3857 Web Mercator, which web tools export.

A `.prj` or a GeoJSON `crs` is recognised by its parameters (projection, central
meridian, false easting and northing, scale, ellipsoid), never by its name: ArcGIS
writes `GCS_China_Geodetic_Coordinate_System_2000` and `Gauss_Kruger`, other Chinese
software `GCS_CGCS2000` and `Transverse_Mercator`, and both mean the same system.
Xi'an 1980 (IAG 1975 ellipsoid) and Beijing 1954 (Krasovsky ellipsoid) need a datum
transformation whose parameters only the surveying authority can give; such data is
refused with that reason rather than shifted by tens of metres without a word.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.gis.gdal import GDALException, SpatialReference
from django.utils.translation import gettext as _

GEOGRAPHIC = "geographic"
GAUSS_KRUGER = "gauss-kruger"
MERCATOR = "mercator"

# Ellipsoids by semi-major axis (m) and inverse flattening, as .prj files give them.
_ELLIPSOIDS = {
    "CGCS2000": (6378137.0, 298.257222101),
    "WGS 84": (6378137.0, 298.257223563),
    "Xi'an 1980": (6378140.0, 298.257),
    "Beijing 1954": (6378245.0, 298.3),
}
_NEEDS_DATUM_TRANSFORMATION = {"Xi'an 1980", "Beijing 1954"}
# PROJ parameters that do not change where a coordinate lies on the ellipsoid.
_IGNORED = {"no_defs", "wktext", "type", "towgs84", "nadgrids", "datum", "ellps"}
_ELLIPSOID_KEYS = {"a", "b", "rf", "f", "R"}
_DEFAULTS = {"lat_0": 0.0, "x_0": 0.0, "y_0": 0.0, "k": 1.0}


class CrsRejected(Exception):
    """The coordinate system cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Crs:
    """One accepted coordinate system.

    `zone` is the Gauss–Krüger zone number when X carries it as a prefix (false
    easting zone × 10⁶ + 500 000 m), else None; `zone_width` is 3 or 6 for
    Gauss–Krüger systems.
    """

    srid: int
    name: str
    kind: str
    central_meridian: float | None = None
    zone_width: int | None = None
    zone: int | None = None

    @property
    def label(self) -> str:
        """ "EPSG:4527 (…)" with the system named in the active language: in English its
        EPSG name (`name`, as GIS software shows it), in Chinese as Chinese GIS software
        and surveys name it (CGCS2000 高斯-克吕格 3度带 第39带（X 含带号）)."""
        return f"EPSG:{self.srid} ({self.local_name})"

    @property
    def local_name(self) -> str:
        if self.srid == 3857:
            return _("Web Mercator")
        if self.kind != GAUSS_KRUGER:
            return self.name
        values = {"zone": self.zone, "meridian": f"{self.central_meridian:.0f}"}
        if self.zone_width == 6:
            if self.zone:
                return _("CGCS2000 / Gauss-Kruger zone %(zone)s") % values
            return _("CGCS2000 / Gauss-Kruger CM %(meridian)sE") % values
        if self.zone:
            return _("CGCS2000 / 3-degree Gauss-Kruger zone %(zone)s") % values
        return _("CGCS2000 / 3-degree Gauss-Kruger CM %(meridian)sE") % values


def srid_choices() -> list[tuple]:
    """(EPSG code, label) of every accepted system, labelled in the active language, for
    a form's choice (a callable, so each request reads its own language)."""
    return [("", "-")] + [(crs.srid, crs.label) for crs in ACCEPTED.values()]


def _gauss_kruger() -> list[Crs]:
    systems = []
    for offset, zone in enumerate(range(13, 24)):
        meridian = 6.0 * zone - 3
        systems.append(
            Crs(
                4491 + offset,
                f"CGCS2000 / Gauss-Kruger zone {zone}",
                GAUSS_KRUGER,
                meridian,
                6,
                zone,
            )
        )
        systems.append(
            Crs(
                4502 + offset,
                f"CGCS2000 / Gauss-Kruger CM {meridian:.0f}E",
                GAUSS_KRUGER,
                meridian,
                6,
            )
        )
    for offset, zone in enumerate(range(25, 46)):
        meridian = 3.0 * zone
        systems.append(
            Crs(
                4513 + offset,
                f"CGCS2000 / 3-degree Gauss-Kruger zone {zone}",
                GAUSS_KRUGER,
                meridian,
                3,
                zone,
            )
        )
        systems.append(
            Crs(
                4534 + offset,
                f"CGCS2000 / 3-degree Gauss-Kruger CM {meridian:.0f}E",
                GAUSS_KRUGER,
                meridian,
                3,
            )
        )
    return systems


ACCEPTED = {
    crs.srid: crs
    for crs in [
        Crs(4490, "CGCS2000", GEOGRAPHIC),
        Crs(4326, "WGS 84", GEOGRAPHIC),
        Crs(3857, "Web Mercator", MERCATOR),
        *sorted(_gauss_kruger(), key=lambda c: c.srid),
    ]
}


def accepted_summary() -> str:
    """The accepted systems in one line, for messages and help texts."""
    return _(
        "EPSG:4490 (CGCS2000), EPSG:4491–4554 (CGCS2000 Gauss–Krüger 3° and 6° zones, "
        "with or without the zone number in X), EPSG:4326 (WGS 84), EPSG:3857 (Web Mercator)"
    )


def checked(srid: int | None, where: str) -> Crs:
    """The accepted system for an EPSG code; CrsRejected when absent or not accepted."""
    if srid is None:
        raise CrsRejected(
            _("%(where)s does not say which coordinate system it uses; declare one of %(codes)s.")
            % {"where": where, "codes": accepted_summary()}
        )
    crs = ACCEPTED.get(srid)
    if crs is None:
        raise CrsRejected(_refusal_for_code(srid, where))
    return crs


def _refusal_for_code(srid: int, where: str) -> str:
    try:
        srs = SpatialReference(srid)
    except (GDALException, TypeError, ValueError):
        srs = None
    if srs is not None and _ellipsoid_name(srs) in _NEEDS_DATUM_TRANSFORMATION:
        return _needs_transformation(where, f"EPSG:{srid} ({srs.name})", _ellipsoid_name(srs))
    return _("%(where)s uses EPSG:%(srid)s; accepted are %(accepted)s.") % {
        "where": where,
        "srid": srid,
        "accepted": accepted_summary(),
    }


def _needs_transformation(where: str, what: str, datum: str) -> str:
    return _(
        "%(where)s is in %(what)s, on the %(datum)s datum. Converting it to CGCS2000 needs "
        "a datum transformation (seven parameters for your area) that only the surveying "
        "and mapping authority can supply, and none has been given to Tanhui; ask the "
        "department for the data in CGCS2000 (EPSG:4490 or a CGCS2000 Gauss–Krüger zone)."
    ) % {"where": where, "what": what, "datum": datum}


def identify(definition: str, where: str) -> Crs:
    """The accepted system a `.prj` or a file's WKT (ESRI or OGC flavour) describes.

    Matched by parameters, not names. The text is parsed as WKT only (OSRImportFromWkt),
    never as "user input", which GDAL before 3.9 may resolve by opening a file or URL
    (docs/decisions/2026-11-25-gdal-3.6-on-debian-12.md). Raises CrsRejected quoting the
    definition when it cannot be read or matches no accepted system, and naming the datum
    for Xi'an 1980 and Beijing 1954.
    """
    try:
        srs = SpatialReference(definition, srs_type="wkt")
        signature = _signature(srs)
    except (GDALException, TypeError, ValueError):
        raise CrsRejected(
            _("%(where)s declares a coordinate system that cannot be read: %(definition)s")
            % {"where": where, "definition": _quote(definition)}
        ) from None
    datum = _ellipsoid_name(srs)
    if datum in _NEEDS_DATUM_TRANSFORMATION:
        raise CrsRejected(_needs_transformation(where, srs.name or _quote(definition), datum))
    srid = _by_signature().get(signature)
    if srid is None and srs.srid is not None:
        raise CrsRejected(_refusal_for_code(srs.srid, where))
    if srid is None:
        raise CrsRejected(
            _(
                "%(where)s declares a coordinate system that matches none accepted "
                "(%(accepted)s): %(definition)s"
            )
            % {"where": where, "accepted": accepted_summary(), "definition": _quote(definition)}
        )
    return ACCEPTED[srid]


def equivalent(a: Crs, b: Crs) -> bool:
    """Whether two accepted systems place every coordinate at the same point.

    A 6° zone by central meridian and the 3° zone of the same meridian are one
    projection under two codes.
    """
    return a.srid == b.srid or _signature_of(a.srid) == _signature_of(b.srid)


def spatial_reference(crs: Crs) -> SpatialReference:
    """The system as GDAL sees it, with (easting, longitude) first as files store them."""
    srs = SpatialReference(crs.srid)
    srs.axis_order = 0
    return srs


def coordinates_problem(extent: tuple[float, float, float, float], crs: Crs) -> str:
    """Why coordinates with this extent cannot be in `crs` and what they likely are; "" if fine.

    `extent` is (xmin, ymin, xmax, ymax) as stored in the file (easting first).
    """
    xmin, ymin, xmax, ymax = extent
    if crs.kind == GEOGRAPHIC:
        if max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) > 360:
            return _(
                "Coordinates like %(x)s, %(y)s are metres, but %(crs)s is in degrees. %(likely)s"
            ) % {
                "x": f"{xmin:.0f}",
                "y": f"{ymin:.0f}",
                "crs": crs.label,
                "likely": _likely_projected(xmin, xmax),
            }
        if ymin < -90 or ymax > 90:
            return _("Latitude %(latitude)s lies outside -90..90.") % {
                "latitude": f"{ymax if ymax > 90 else ymin:g}"
            }
        if xmin < -180 or xmax > 180:
            return _("Longitude %(longitude)s lies outside -180..180.") % {
                "longitude": f"{xmax if xmax > 180 else xmin:g}"
            }
        return ""
    if max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90:
        return _(
            "Coordinates like %(x)s, %(y)s look like degrees, but %(crs)s is in metres; "
            "the file is probably in EPSG:4490 (CGCS2000 geographic)."
        ) % {"x": f"{xmin:g}", "y": f"{ymin:g}", "crs": crs.label}
    if crs.kind != GAUSS_KRUGER:
        return ""
    prefixes = {int(xmin // 1_000_000), int(xmax // 1_000_000)}
    if crs.zone is None and xmax >= 1_000_000:
        return _(
            "X values like %(x)s carry the zone number %(zone)s in front, but %(crs)s "
            "expects X without it (about 500000). %(likely)s"
        ) % {
            "x": f"{xmin:.0f}",
            "zone": int(xmin // 1_000_000),
            "crs": crs.label,
            "likely": _likely_projected(xmin, xmax),
        }
    if crs.zone is not None and prefixes != {crs.zone}:
        if xmax < 1_000_000:
            return _(
                "X values like %(x)s have no zone number in front, but %(crs)s expects "
                "X to start with its zone number %(zone)s. %(likely)s"
            ) % {
                "x": f"{xmin:.0f}",
                "crs": crs.label,
                "zone": crs.zone,
                "likely": _same_meridian_without_prefix(crs),
            }
        return _(
            "X values like %(x)s start with zone number %(found)s, but %(crs)s is zone "
            "%(zone)s. %(likely)s"
        ) % {
            "x": f"{xmin:.0f}",
            "found": ", ".join(map(str, sorted(prefixes))),
            "crs": crs.label,
            "zone": crs.zone,
            "likely": _likely_projected(xmin, xmax),
        }
    if ymin < 0 or ymax > 10_000_000:
        return _("Y values like %(y)s are not northings in China (0 to 6 000 000 m).") % {
            "y": f"{ymin:.0f}"
        }
    return ""


def _likely_projected(xmin: float, xmax: float) -> str:
    """The systems whose eastings look like these, named for the user to choose from."""
    zone = int(xmin // 1_000_000)
    # A Gauss–Krüger easting keeps within about 350 km of its meridian's 500 000 m.
    within_zone = all(100_000 < x % 1_000_000 < 900_000 for x in (xmin, xmax))
    candidates = [
        crs.label
        for crs in ACCEPTED.values()
        if within_zone and crs.zone == zone and zone == int(xmax // 1_000_000)
    ]
    if xmin > 7_000_000 and xmax < 16_000_000:  # Web Mercator eastings of China
        candidates.append(ACCEPTED[3857].label)
    if candidates:
        return _("They look like %(candidates)s: declare the one the file was exported in.") % {
            "candidates": _(" or ").join(candidates)
        }
    if xmin > 0 and xmax < 1_000_000:
        return _(
            "They look like Gauss–Krüger coordinates without the zone number: declare "
            "the CGCS2000 Gauss–Krüger system of their central meridian (EPSG:4534–4554)."
        )
    return _("Check which coordinate system the file was exported in.")


def _same_meridian_without_prefix(crs: Crs) -> str:
    for other in ACCEPTED.values():
        if (
            other.kind == GAUSS_KRUGER
            and other.zone is None
            and other.zone_width == crs.zone_width
            and other.central_meridian == crs.central_meridian
        ):
            return _("Declare %(crs)s if the central meridian is %(meridian)s°E.") % {
                "crs": other.label,
                "meridian": f"{crs.central_meridian:.0f}",
            }
    return ""


def _ellipsoid_name(srs: SpatialReference) -> str:
    try:
        axis, inverse = srs.semi_major, srs.inverse_flattening
    except (GDALException, TypeError):
        return ""
    for name, (a, rf) in _ELLIPSOIDS.items():
        if abs(axis - a) < 0.001 and abs(inverse - rf) < 1e-6:
            return name
    return ""


def _signature(srs: SpatialReference) -> tuple:
    """Projection parameters and ellipsoid, normalised, to compare two definitions."""
    parameters = dict(_DEFAULTS)
    for token in srs.proj.split():
        key, _sep, value = token.lstrip("+").partition("=")
        if key in _IGNORED or key in _ELLIPSOID_KEYS:
            continue
        key = "k" if key == "k_0" else key
        try:
            parameters[key] = round(float(value), 9)
        except ValueError:
            parameters[key] = value
    return (
        tuple(sorted(parameters.items())),
        round(srs.semi_major, 3),
        round(srs.inverse_flattening, 9),
    )


@cache
def _signature_of(srid: int) -> tuple:
    return _signature(SpatialReference(srid))


@cache
def _by_signature() -> dict[tuple, int]:
    table = {}
    for srid in sorted(ACCEPTED, reverse=True):
        # Lower codes win on equal signatures: 4508 (6° CM 111E) before 4546 (3° CM 111E).
        table[_signature_of(srid)] = srid
    return table


def _quote(definition: str) -> str:
    text = " ".join(definition.split())
    return f"«{text[:400]}{'…' if len(text) > 400 else ''}»"
