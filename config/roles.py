"""The roles officials hold, as groups with model permissions, and what each button needs.

Defined once, here; the admin, the pages and the API read it.

Object-level scoping (an operator sees only their regions) is not expressible as
model permissions: operators get view permissions on region-bound models, and
pilots.access limits every list, page, download and API to their regions.
"""

from django.utils.translation import gettext_noop

OUR_APPS = ("pilots", "compensation", "ledger", "supervision", "disclosure", "passthrough")

# Each role's group name, as stored; shown translated (gettext(group.name), config/vendor_apps.py).
FINANCE = gettext_noop("finance official")
ECOLOGY = gettext_noop("ecology official")
OPERATOR = gettext_noop("pilot operator")
AUDITOR = gettext_noop("auditor")

# Beyond viewing everything in our apps: (app_label, model) -> actions.
EDITS = {
    FINANCE: {
        ("compensation", "emissioninventory"): ("add", "change"),
        ("pilots", "pilotprogramme"): ("add", "change"),
        ("pilots", "pilotmembership"): ("add", "change", "delete"),
        ("pilots", "operatorassignment"): ("add", "change", "delete"),
        ("compensation", "verticalparameters"): ("add", "change", "delete"),
        ("compensation", "subsidytier"): ("add", "change", "delete"),
        ("compensation", "regionfiscaldata"): ("add", "change", "delete"),
        ("compensation", "assessmentrule"): ("add", "change", "delete"),
        ("compensation", "allocationmethod"): ("add", "change", "delete"),
        ("compensation", "methodfactor"): ("add", "change", "delete"),
        ("compensation", "methodadjustment"): ("add", "change", "delete"),
        ("compensation", "regionindicator"): ("add", "change", "delete"),
        ("compensation", "cascadetier"): ("add", "change", "delete"),
        ("compensation", "agreement"): ("add", "change"),
        ("compensation", "agreementparty"): ("add", "change", "delete"),
        ("compensation", "agreementround"): ("add", "change", "delete"),
        ("compensation", "indexweight"): ("add", "change", "delete"),
        ("compensation", "creditholder"): ("add", "change"),
        ("compensation", "settlementrun"): ("start", "approve", "post"),
        ("compensation", "statement"): ("verify",),
        ("disclosure", "release"): ("propose", "approve"),
        ("passthrough", "recipient"): ("add", "change", "view_details"),
        ("passthrough", "suballocationplan"): ("approve",),
        ("passthrough", "payment"): ("add",),
        ("passthrough", "paymentmatch"): ("add",),
        ("passthrough", "localrule"): ("add", "change"),
        ("passthrough", "localruleshare"): ("add", "change", "delete"),
        ("ledger", "periodclose"): ("add", "approve"),
        ("ledger", "balanceassertion"): ("add",),
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
        ("compensation", "ecologicalindex"): ("add", "change", "delete"),
        ("compensation", "monitoringrecord"): ("add", "change", "delete"),
        ("compensation", "creditproject"): ("add", "change"),
        ("compensation", "sinkverification"): ("request", "approve"),
        ("supervision", "alertrule"): ("add", "change", "delete"),
        ("supervision", "alert"): ("acknowledge",),
        ("disclosure", "release"): ("propose", "approve"),
    },
    # Operators see their own regions' data only (pilots.access scopes every list).
    OPERATOR: {
        ("pilots", "region"): ("view",),
        ("pilots", "pilotprogramme"): ("view",),
        ("pilots", "planningversion"): ("view",),
        ("pilots", "zone"): ("view",),
        ("pilots", "landcover"): ("view",),
        ("compensation", "ecologicalindex"): ("view",),
        ("compensation", "emissioninventory"): ("view",),
        ("compensation", "creditproject"): ("view",),
        ("compensation", "runtransfer"): ("view",),
        ("compensation", "statement"): ("view",),
        ("compensation", "sinkverification"): ("view",),
        ("compensation", "monitoringrecord"): ("view", "add"),
        ("supervision", "changedetection"): ("view",),
        ("supervision", "alert"): ("view", "acknowledge"),
        # They pay their region's recipients, so they keep and see their details.
        ("passthrough", "recipient"): ("view", "add", "change", "view_details"),
        ("passthrough", "suballocationplan"): ("view", "propose"),
        ("passthrough", "suballocationline"): ("view",),
        ("passthrough", "payment"): ("view", "add"),
        ("passthrough", "paymentmatch"): ("view", "add"),
        # They propose plans by their region's published local rules.
        ("passthrough", "localrule"): ("view",),
        ("passthrough", "localruleshare"): ("view",),
    },
    AUDITOR: {
        ("compensation", "statement"): ("verify",),
    },
}
VIEWS_EVERYTHING = (FINANCE, ECOLOGY, AUDITOR)
# Beyond our apps, the roles that view everything also read the audit trail.
ALSO_VIEWED = {("auditlog", "view_logentry")}
ROLES = (FINANCE, ECOLOGY, OPERATOR, AUDITOR)
# Apps whose admin is for superusers only (accounts, tokens, lockouts, schedules, devices):
# no role holds a permission in them, so their own actions and pages refuse every role.
SUPERUSER_APPS = ("auth", "authtoken", "axes", "django_celery_beat", "otp_totp")

# Every button that is not plain add/change/delete/view of a model, on every surface, and
# the permissions of which it needs any one. Admin actions name theirs with
# config.admin.role_action, admin pages of their own with config.admin.role_view, API
# actions in their view's `action_permissions`; tests/config/test_permission_enumeration.py
# fails for an action or page that names none.
BUTTONS = {
    "start_run": ("compensation.start_settlementrun",),
    "approve_run": ("compensation.approve_settlementrun",),
    "post_run": ("compensation.post_settlementrun",),
    # A run's page: one button per step; each step then needs its own button's permission.
    "move_run": (
        "compensation.start_settlementrun",
        "compensation.approve_settlementrun",
        "compensation.post_settlementrun",
    ),
    "verify_statement": ("compensation.verify_statement",),
    "acknowledge_alert": ("supervision.acknowledge_alert",),
    # Issuing, transferring and retiring credits: the registry's moves.
    "move_credits": ("compensation.change_creditproject",),
    "sink_report": ("compensation.view_creditblock",),
    "new_methodology_version": ("compensation.add_methodologyversion",),
    # A new year's parameter table, copied from a year's (then edited).
    "copy_parameters": ("compensation.add_verticalparameters",),
    # A vertical cascade's allocation method: a new draft version copied from one.
    "new_allocation_method_version": ("compensation.add_allocationmethod",),
    "export_audit_trail": ("auditlog.view_logentry",),
    # Sink verification (碳汇核证): one ecology official requests, another decides.
    "request_sink_verification": ("compensation.request_sinkverification",),
    "decide_sink_verification": ("compensation.approve_sinkverification",),
    # The upload page; the kind uploaded then needs its model's add permission.
    "upload_geodata": ("pilots.add_zone", "pilots.add_landcover"),
    # Releasing to the public (信息公开): one official proposes, another approves.
    "propose_release": ("disclosure.propose_release",),
    "approve_release": ("disclosure.approve_release",),
    # A recipient's holder name and bank account (personal details), on every surface.
    "see_recipient_details": ("passthrough.view_details_recipient",),
    # Passing a run's receipts on (分配方案): the region's operator proposes, finance approves.
    "propose_sub_allocation": ("passthrough.propose_suballocationplan",),
    "decide_sub_allocation": ("passthrough.approve_suballocationplan",),
    # Payment evidence (vouchers, bank receipts): entering or importing it, matching it by hand.
    "record_payments": ("passthrough.add_payment",),
    "match_payments": ("passthrough.add_paymentmatch",),
    # Closing the books for a period (结账) or reopening them (反结账): one finance official
    # proposes, another approves.
    "propose_period_close": ("ledger.add_periodclose",),
    "decide_period_close": ("ledger.approve_periodclose",),
    # An account's balance from a bank or treasury statement, which verify_ledger checks.
    "assert_balance": ("ledger.add_balanceassertion",),
}


def may(user, button: str) -> bool:
    """Whether `user`, an active account, may press `button` (a key of BUTTONS; KeyError for
    an undeclared one). Services ask this of whoever acts, as every surface does."""
    needed = BUTTONS[button]
    return bool(
        user and user.is_authenticated and user.is_active and any(user.has_perm(p) for p in needed)
    )


def roles_that_may(button: str) -> set[str]:
    """The roles whose permissions (permissions_of) include one that `button` needs."""
    needed = {tuple(p.split(".", 1)) for p in BUTTONS[button]}
    return {role for role in ROLES if needed & permissions_of(role)}


def permissions_of(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs a role holds, given the models that exist."""
    from django.apps import apps

    granted = set()
    if role in VIEWS_EVERYTHING:
        granted |= ALSO_VIEWED
        for label in OUR_APPS:
            for model in apps.get_app_config(label).get_models():
                granted.add((label, f"view_{model._meta.model_name}"))
    for (label, model), actions in EDITS.get(role, {}).items():
        granted |= {(label, f"{action}_{model}") for action in actions}
    return granted


def sync_role_groups(apps) -> None:
    """Give each role's group exactly its permissions; migrations call this as models appear."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for label in (*OUR_APPS, "auditlog"):
        create_permissions(global_apps.get_app_config(label), verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = permissions_of(role)
        group.permissions.set(
            [
                p
                for p in Permission.objects.select_related("content_type")
                if (p.content_type.app_label, p.codename) in wanted
            ]
        )
