"""A region's zones, land cover and valuations for other departments (数据共享).

GeoJSON (one FeatureCollection per layer) and GeoPackage (all layers in one
file, written by GDAL's ogr2ogr). Both carry the CRS (EPSG:4490, CGCS2000)
and metadata: the planning version, the surveys and their sources, the
methodology versions, and whether any of it is synthetic.
"""

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from compensation.models import ValuationLine
from pilots.geometry import STORAGE_SRID
from pilots.models import LandCover, Region
from supervision.changes import latest_plan
from supervision.exceptions import SupervisionError

LAYERS = ("zones", "land_cover", "valuations")
CRS = f"EPSG:{STORAGE_SRID}"
_DECIMAL = re.compile(r'"__decimal__(-?[0-9]+(?:\.[0-9]+)?)__"')


class ExportFailed(SupervisionError):
    """GDAL could not write the GeoPackage; the message carries its error."""


@dataclass(frozen=True)
class Layer:
    name: str
    features: list[dict]


def layers(region: Region) -> list[Layer]:
    return [Layer(name, BUILDERS[name](region)) for name in LAYERS]


def metadata(region: Region) -> dict:
    plan = latest_plan(region)
    surveys = (
        LandCover.objects.filter(region=region)
        .values_list("survey_year", "source", "synthetic")
        .distinct()
        .order_by("survey_year", "source")
    )
    lines = _valuation_lines(region)
    methodologies = sorted({str(line.valuation.methodology_version) for line in lines})
    return {
        "crs": CRS,
        "crs_name": "China Geodetic Coordinate System 2000 (CGCS2000)",
        "region": {"code": region.code, "name": region.name, "source": region.source},
        "planning_version": (
            {"version": plan.version, "name": plan.name, "effective_from": str(plan.effective_from)}
            if plan
            else None
        ),
        "surveys": [
            {"year": year, "source": source, "synthetic": synthetic}
            for year, source, synthetic in surveys
        ],
        "methodology_versions": methodologies,
        "synthetic": any(synthetic for _, _, synthetic in surveys),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "generator": "Tanhui",
    }


def geojson_bytes(region: Region, layer: str) -> bytes:
    """One layer as a GeoJSON FeatureCollection, exact decimals written as JSON numbers."""
    if layer not in LAYERS:
        raise SupervisionError(f"Unknown layer {layer!r}: choose one of {', '.join(LAYERS)}.")
    collection = {
        "type": "FeatureCollection",
        "name": layer,
        # RFC 7946 assumes WGS 84; the named CRS tells GDAL and QGIS the data is CGCS2000.
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{STORAGE_SRID}"}},
        "metadata": metadata(region),
        "features": BUILDERS[layer](region),
    }
    text = json.dumps(collection, ensure_ascii=False, default=_exact)
    return _DECIMAL.sub(r"\1", text).encode()


def geopackage_bytes(region: Region) -> bytes:
    """Every layer in one GeoPackage, with the metadata on each layer."""
    meta = metadata(region)
    items = [
        f"CRS={CRS}",
        f"REGION={region.code} {region.name}",
        f"PLANNING_VERSION={json.dumps(meta['planning_version'], ensure_ascii=False)}",
        f"SURVEYS={json.dumps(meta['surveys'], ensure_ascii=False)}",
        f"METHODOLOGY_VERSIONS={json.dumps(meta['methodology_versions'], ensure_ascii=False)}",
        f"SYNTHETIC={'yes' if meta['synthetic'] else 'no'}",
        f"GENERATED_AT={meta['generated_at']}",
    ]
    with tempfile.TemporaryDirectory(prefix="tanhui-export-") as tmp:
        target = Path(tmp) / f"{region.code}.gpkg"
        for number, layer in enumerate(LAYERS):
            source = Path(tmp) / f"{layer}.geojson"
            source.write_bytes(geojson_bytes(region, layer))
            command = ["ogr2ogr", "-f", "GPKG"]
            command += ["-update"] if number else []
            command += [str(target), str(source), "-nln", layer, "-a_srs", CRS]
            command += ["-nlt", "MULTIPOLYGON", "-lco", f"DESCRIPTION={region.name} {layer}"]
            for item in items:
                command += ["-mo", item]
            try:
                done = subprocess.run(  # noqa: S603 - ogr2ogr with our own arguments, no shell
                    command, capture_output=True, text=True, check=False
                )
            except FileNotFoundError as exc:
                raise ExportFailed(
                    _(
                        "GDAL's ogr2ogr is not installed on this server, so no GeoPackage "
                        "can be written; the GeoJSON layers can still be downloaded."
                    )
                ) from exc
            if done.returncode != 0:
                raise ExportFailed(
                    _("ogr2ogr could not write the %(layer)s layer: %(error)s")
                    % {"layer": layer, "error": done.stderr.strip()}
                )
        return target.read_bytes()


def _exact(value):
    if isinstance(value, Decimal):
        return f"__decimal__{value}__"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _feature(geometry, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": json.loads(geometry.json)}


def _zones(region):
    plan = latest_plan(region)
    if plan is None:
        return []
    return [
        _feature(
            z.geometry,
            {
                "zone_id": z.pk,
                "kind": z.kind,
                "protected": z.protected,
                "name": z.name,
                "planning_version": plan.version,
                "area_km2": z.area_km2,
            },
        )
        for z in plan.zones.order_by("pk")
    ]


def _land_cover(region):
    cover = LandCover.objects.filter(region=region).select_related("land_use")
    return [
        _feature(
            c.geometry,
            {
                "land_cover_id": c.pk,
                "survey_year": c.survey_year,
                "scheme": c.land_use.scheme,
                "land_use_code": c.land_use.code,
                "land_use": c.land_use.name_zh,
                "source": c.source,
                "synthetic": c.synthetic,
                "area_km2": c.area_km2,
            },
        )
        for c in cover.order_by("survey_year", "pk")
    ]


def _valuation_lines(region):
    return list(
        ValuationLine.objects.filter(region=region, valuation__current=True)
        .select_related("zone", "valuation__methodology_version__methodology")
        .order_by("valuation__year", "zone_id", "land_use_code")
    )


def _valuations(region):
    return [
        _feature(
            line.zone.geometry,
            {
                "valuation": line.valuation_id,
                "year": line.valuation.year,
                "methodology_version": str(line.valuation.methodology_version),
                "zone_id": line.zone_id,
                "protected": line.protected,
                "land_use_code": line.land_use_code,
                "area_ha": line.area_ha,
                "coefficient_tco2e_per_ha": line.coefficient_tco2e,
                "tco2e": line.tco2e,
            },
        )
        for line in _valuation_lines(region)
    ]


BUILDERS = {"zones": _zones, "land_cover": _land_cover, "valuations": _valuations}
