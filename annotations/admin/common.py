"""What the admin's pages share: who may see them, the read-only rule, badges, ids from the address."""

from django.contrib import admin
from django.utils.html import format_html

from .. import roles


def badge(label, colour):
    return format_html('<span class="fc-badge" style="background:{}">{}</span>', colour, label)


class ReadOnlyAdminMixin(admin.ModelAdmin):
    """No add, change or delete through generic admin forms: writes go through the workflow."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleRequiredMixin(admin.ModelAdmin):
    """Users without a fact-check role see nothing."""

    def has_module_permission(self, request):
        return roles.has_role(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.has_role(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if roles.has_role(request.user) else queryset.none()


def as_id(value) -> int | None:
    """Return ``value`` as a database id, or None if it is not one (e.g. "abc", "²", 10**30)."""
    value = str(value or "")
    if value.isascii() and value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    return None


def form_problems(form) -> str:
    """Return a form's errors on one line: "field: message; ..."."""
    return "; ".join(
        f"{name}: {' '.join(map(str, errors))}" if name != "__all__" else " ".join(map(str, errors))
        for name, errors in form.errors.items()
    )
