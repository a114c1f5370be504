"""Small, composable permission classes for the API."""

from rest_framework.permissions import BasePermission

from annotations import roles


class HasFactcheckRole(BasePermission):
    """The user holds the editor or reviewer role (superusers hold both)."""

    message = "You need the editor or reviewer role to use the fact-check API."

    def has_permission(self, request, view):
        return roles.has_role(request.user)
