"""The roles officials hold, as groups with model permissions: defined once, here.

Object-level scoping (an operator sees only their regions) is not expressible as
model permissions; until it exists, the pilot-operator group gets no admin
permission at all, so that no operator can list another region's data.
"""

OUR_APPS = ("pilots", "compensation", "ledger")

FINANCE = "finance official"
ECOLOGY = "ecology official"
OPERATOR = "pilot operator"
AUDITOR = "auditor"

# Beyond viewing everything in our apps: (app_label, model) -> actions.
EDITS = {
    FINANCE: {
        ("compensation", "emissioninventory"): ("add", "change"),
        ("pilots", "pilotprogramme"): ("add", "change"),
        ("pilots", "pilotmembership"): ("add", "change", "delete"),
    },
    ECOLOGY: {
        ("pilots", "planningversion"): ("add", "change"),
        ("pilots", "zone"): ("add", "change", "delete"),
        ("pilots", "landcover"): ("add", "change", "delete"),
        ("pilots", "region"): ("change",),
        ("compensation", "methodology"): ("add", "change"),
        ("compensation", "methodologyversion"): ("add", "change", "delete"),
        ("compensation", "sinkcoefficient"): ("add", "change", "delete"),
        ("compensation", "carbonmarket"): ("add", "change"),
        ("compensation", "carbonprice"): ("add", "change", "delete"),
        ("compensation", "emissioninventory"): ("add", "change", "delete"),
    },
    AUDITOR: {},
}
VIEWS_EVERYTHING = (FINANCE, ECOLOGY, AUDITOR)
ROLES = (FINANCE, ECOLOGY, OPERATOR, AUDITOR)


def permissions_of(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role holds, given the models that exist."""
    from django.apps import apps

    granted = set()
    if role in VIEWS_EVERYTHING:
        for label in OUR_APPS:
            for model in apps.get_app_config(label).get_models():
                granted.add((label, f"view_{model._meta.model_name}"))
    for (label, model), actions in EDITS.get(role, {}).items():
        granted |= {(label, f"{action}_{model}") for action in actions}
    return granted
