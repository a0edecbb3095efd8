"""The API's permissions are the UI's: model permissions by role, regions by pilots.access."""

from rest_framework.permissions import DjangoModelPermissions

from config.roles import may


class RoleModelPermissions(DjangoModelPermissions):
    """Reading needs the model's view permission too (auditors read; operators read theirs).

    An action that is not plain create/read/update/delete names the button of
    config.roles.BUTTONS the UI asks for the same thing in the view's
    `action_permissions` (e.g. {"approve": "approve_run"}).
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        button = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if button is None:
            return super().has_permission(request, view)
        return may(request.user, button)
