"""The API's permissions are the UI's: model permissions by role, regions by config.access."""

from rest_framework.permissions import DjangoModelPermissions


class RoleModelPermissions(DjangoModelPermissions):
    """Reading needs the model's view permission too (auditors read; operators read theirs).

    An action that is not plain create/read/update/delete names the permission
    the UI asks for the same button in the view's `action_permissions`
    (e.g. {"approve": ["compensation.approve_settlementrun"]}).
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if needed is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(needed))
