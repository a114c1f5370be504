"""The admin site: its index shows the claim counts, the user's own queue and the desk's charts."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import path

from . import roles, selectors


class RoleAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form: it lets in whom ``has_permission`` lets in, not staff only."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the correct %(username)s and password of an account with a fact-check role. "
            "Note that both fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # refuses inactive users
        if not (user.is_staff or roles.has_role(user)):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class FactcheckAdminSite(admin.AdminSite):
    site_header = "factcheck"
    site_title = "factcheck"
    index_title = "Fact-check workspace"
    index_template = "admin/factcheck_index.html"
    login_form = RoleAuthenticationForm
    # The claim list needs the width more than a second copy of the app menu.
    enable_nav_sidebar = False

    def has_permission(self, request):
        """Let in staff and anyone holding a fact-check role: the roles are the rule."""
        user = request.user
        return user.is_active and (user.is_staff or roles.has_role(user))

    def get_urls(self):
        # The admin package registers its models on this site: import it once the site exists.
        from .admin.desk import DeskReportView

        return [
            path("desk/", self.admin_view(DeskReportView.as_view(admin_site=self)), name="desk"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        user = request.user
        if roles.has_role(user):
            extra_context["fc_counts"] = selectors.counts_by_status_and_verdict()
            extra_context["fc_desk"] = self._desk_panel(extra_context["fc_counts"])
            extra_context["fc_recent"] = selectors.recent_events(10)
            extra_context["fc_my_work"] = selectors.open_work(user).order_by("updated_at")[:10]
            extra_context["fc_my_work_count"] = selectors.open_work(user).count()
            if roles.is_reviewer(user):
                extra_context["fc_review_count"] = selectors.claims_awaiting_review(user).count()
        return super().index(request, extra_context)

    @staticmethod
    def _desk_panel(counts):
        from .admin.desk import index_panel  # as in get_urls

        return index_panel(counts)
