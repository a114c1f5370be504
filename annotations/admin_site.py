"""The admin site: its index shows the claim counts and the user's own queue."""

from django.contrib import admin

from . import roles, selectors


class FactcheckAdminSite(admin.AdminSite):
    site_header = "factcheck"
    site_title = "factcheck"
    index_title = "Fact-check workspace"
    index_template = "admin/factcheck_index.html"
    # The claim list needs the width more than a second copy of the app menu.
    enable_nav_sidebar = False

    def has_permission(self, request):
        """Let in staff and anyone holding a fact-check role: the roles are the rule."""
        user = request.user
        return user.is_active and (user.is_staff or roles.has_role(user))

    def index(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        user = request.user
        if roles.has_role(user):
            extra_context["fc_counts"] = selectors.counts_by_status_and_verdict()
            extra_context["fc_recent"] = selectors.recent_events(10)
            extra_context["fc_my_work"] = selectors.open_work(user).order_by("updated_at")[:10]
            extra_context["fc_my_work_count"] = selectors.open_work(user).count()
            if roles.is_reviewer(user):
                extra_context["fc_review_count"] = selectors.claims_awaiting_review(user).count()
        return super().index(request, extra_context)
