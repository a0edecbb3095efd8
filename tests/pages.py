"""Every page the project serves, walked from the registries that serve them, never listed by hand.

Shared by the permission enumeration (tests/config/test_permission_enumeration.py: who may
open what) and the language test (tests/config/test_interface_language.py: what each page
says in zh-hans). The admin site's registry, each admin's get_urls(), the API router and
the URL resolver are the sources.
"""

import re

from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse

from api.urls import router

STANDARD_PAGES = ("changelist", "add", "history", "delete", "change")


def registry():
    """(model, model admin) of every model the admin site registers, by model label."""
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def standard_url(model, page: str, *args) -> str:
    """The admin URL of one of STANDARD_PAGES of `model` (object pages take its pk)."""
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


def custom_pages():
    """(app label, url name, view, url) of every admin page an admin adds with get_urls().

    A URL argument is 0: an object that does not exist, unless a test made one with pk 0."""
    for model, model_admin in registry():
        opts = model._meta
        standard = {f"{opts.app_label}_{opts.model_name}_{page}" for page in STANDARD_PAGES}
        for pattern in model_admin.get_urls():
            if pattern.name is None or pattern.name in standard:
                continue
            args = [0] * len(pattern.pattern.converters)
            yield (
                opts.app_label,
                pattern.name,
                pattern.callback,
                reverse(f"admin:{pattern.name}", args=args),
            )


def _missing_object(viewset) -> dict:
    """URL kwargs naming an object that does not exist, in the form the route accepts."""
    kwarg = viewset.lookup_url_kwarg or viewset.lookup_field
    pattern = getattr(viewset, "lookup_value_regex", "[^/.]+")
    return {kwarg: next(v for v in ("0", "000000") if re.fullmatch(pattern, v))}


def api_routes():
    """(viewset, action, HTTP method, url) of every route and action the API router serves."""
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            served = {m: a for m, a in route.mapping.items() if hasattr(viewset, a)}
            if not served:
                continue
            name = route.name.format(basename=basename)
            url = reverse(name, kwargs=_missing_object(viewset) if route.detail else {})
            for method, action in served.items():
                yield viewset, action, method.upper(), url


def site_pages(patterns, prefix=""):
    """(route, converters) of every page outside the admin and the API, e.g.
    ("regions/<str:code>/", {"code": StringConverter}) from the URL resolver's patterns."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) not in ("admin/", "api/"):
                yield from site_pages(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), getattr(pattern.pattern, "converters", {})


def fill(route: str, values: dict) -> str:
    """The URL of a resolver route with each <converter:name> replaced by values[name]."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def object_urls(model) -> list[str]:
    """The change and history pages of `model`'s first object ([] without one)."""
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        return []
    return [standard_url(model, "change", obj.pk), standard_url(model, "history", obj.pk)]


def site_urls(values: dict) -> list[str]:
    """Every page outside the admin and the API whose URL arguments `values` names
    ({"code": "341000", "pk": 1, ...}), filled with them."""
    return [
        fill(route, values)
        for route, converters in site_pages(get_resolver().url_patterns)
        if set(converters) <= set(values)
    ]


def admin_index_urls(client, **headers) -> list[str]:
    """The admin index, app indexes and changelists the client's user is shown."""
    index = client.get("/admin/", **headers).context["app_list"]
    urls = ["/admin/", *(app["app_url"] for app in index)]
    return urls + [m["admin_url"] for app in index for m in app["models"] if m["admin_url"]]


def demo_site_values() -> dict:
    """URL arguments naming the demo's objects: the first operator's region, the first
    pilot, the first valuation's year, the zones layer, a PDF."""
    from compensation.models import Valuation
    from pilots.models import OperatorAssignment, PilotProgramme

    return {
        "code": OperatorAssignment.objects.order_by("pk").first().region.code,
        "pk": PilotProgramme.objects.order_by("pk").first().pk,
        "year": Valuation.objects.order_by("year").first().year,
        "layer": "zones",
        "fmt": "pdf",
    }


def every_admin_url(skip_apps=()) -> list[str]:
    """The admin index and, for each registered model outside `skip_apps`, its changelist,
    add page and first object's pages, then every page an admin adds (custom_pages)."""
    urls = ["/admin/"]
    for model, _admin in registry():
        if model._meta.app_label not in skip_apps:
            urls += [standard_url(model, "changelist"), standard_url(model, "add")]
            urls += object_urls(model)
    return urls + [url for label, _name, _view, url in custom_pages() if label not in skip_apps]
