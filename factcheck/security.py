"""Security plumbing the settings name: the Content-Security-Policy middleware and django-axes' hooks."""

import ipaddress

from csp.constants import NONE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseBase, JsonResponse
from django.template.response import TemplateResponse

# Downloaded HTML (the report: the admin's export, /api/reports/report.html) is a document to
# publish, not part of the app: it runs no script, loads nothing and submits nothing.
DOWNLOAD_POLICY = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [NONE],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}

MSG_LOCKED_OUT = (
    "Too many failed sign-ins for this username from your address: try again in {minutes} minutes, "
    "or ask an administrator to unlock it."
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy from the settings, and ``DOWNLOAD_POLICY`` for HTML downloads."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and is_html_download(response):
            parts.config = DOWNLOAD_POLICY
        return parts


def is_html_download(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and response.get(
        "Content-Disposition", ""
    ).startswith("attachment")


def client_ip(request) -> str | None:
    """Return the client's address: the peer's, or behind proxies the one the outermost proxy saw.

    Each of the ``PROXY_COUNT`` proxies appends the address it received the request from to
    ``X-Forwarded-For``; counting from the right skips whatever the client wrote there itself.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.PROXY_COUNT:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < settings.PROXY_COUNT:
        return remote  # fewer proxies than configured: this request did not come through them
    candidate = hops[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out sign-in: JSON under /api/, the admin's page elsewhere; 429 either way."""
    minutes = lockout_minutes()
    message = MSG_LOCKED_OUT.format(minutes=minutes)
    response: HttpResponseBase
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        from django.contrib import admin

        context = {**admin.site.each_context(request), "title": "Sign-in locked", "message": message}
        response = TemplateResponse(request, "admin/locked_out.html", context, status=429).render()
    response["Retry-After"] = str(minutes * 60)
    return response
