"""A map widget that works offline: vendored OpenLayers, no remote tiles.

Django's own widgets load OpenLayers from a CDN and draw over internet
tiles; officials' networks often reach neither. Geometry is drawn on a
blank background instead.
"""

from django.contrib.gis.forms.widgets import OpenLayersWidget


class OfflineMapWidget(OpenLayersWidget):
    template_name = "gis/offline-openlayers.html"

    class Media:
        extend = False
        css = {"all": ("vendor/ol-7.2.2/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol-7.2.2/ol.js", "gis/js/OLMapWidget.js")


class ReadOnlyMapWidget(OfflineMapWidget):
    """The offline map of a geometry that is shown, not edited: no drawing or moving of
    vertices, and no form value (its text area has no name), for rows whose geometry
    arrives by import (pilots.admin.ReadOnlyGeometryMixin)."""

    template_name = "gis/offline-map-readonly.html"
