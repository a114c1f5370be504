"""What the admin's pages share: who may see them, the read-only rule, badges, ids from the address."""

from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from .. import roles

# What a list's address may carry besides its own filters: search, sort, page, "show all", the
# admin's error flag and facets.
LIST_PARAMETERS = frozenset({"q", "o", "p", "all", "e", "_facets"})
# The lookups a field's filter in ``list_filter`` writes in the address (choices, relations, dates).
FIELD_FILTER_LOOKUPS = ("exact", "isnull", "in", "id__exact", "gte", "lt")
MSG_LIST_PARAMETERS = "Left out of the address, not filters of this list: {names}."
MSG_LIST_NUL = "Left out of the address, holding a NUL character: {names}."


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
    """Users without a fact-check role see nothing; a list's address takes its own filters only.

    Django's admin lets the address name any lookup on the model's fields (``?text__regex=(``, a
    regular expression the database refuses with an error) and passes NUL characters on to the
    database (PostgreSQL refuses them with an error): a list page answers such an address by
    leaving those parameters out, with a message saying which.
    """

    def changelist_view(self, request, extra_context=None):
        unknown, with_nul = self._unwanted_parameters(request)
        if unknown or with_nul:
            if unknown:
                messages.error(request, MSG_LIST_PARAMETERS.format(names=", ".join(sorted(unknown))))
            if with_nul:
                shown = sorted(name.replace("\x00", "\\x00") for name in with_nul)
                messages.error(request, MSG_LIST_NUL.format(names=", ".join(shown)))
            kept = request.GET.copy()
            for name in unknown | with_nul:
                kept.pop(name, None)
            return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)
        return super().changelist_view(request, extra_context)

    def _unwanted_parameters(self, request) -> tuple[set[str], set[str]]:
        allowed = set(LIST_PARAMETERS)
        for entry in self.get_list_filter(request):
            if isinstance(entry, type) and issubclass(entry, SimpleListFilter):
                allowed.add(str(entry.parameter_name))
            else:
                field = entry[0] if isinstance(entry, (tuple, list)) else entry
                allowed.update(f"{field}__{lookup}" for lookup in FIELD_FILTER_LOOKUPS)
        with_nul = {name for name, values in request.GET.lists() if "\x00" in name or any("\x00" in v for v in values)}
        unknown = {name for name in request.GET if name not in allowed} - with_nul
        return unknown, with_nul

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
