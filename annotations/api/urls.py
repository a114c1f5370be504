from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import auth, reports, views

router = DefaultRouter()
router.register("documents", views.DocumentViewSet, basename="document")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("imports", views.ImportViewSet, basename="import")
router.register("feeds", views.FeedViewSet, basename="feed")

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its set-up script at a URL of its own (docs/?script=), not inline: the pages'
    # Content-Security-Policy allows scripts from this site's files only.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("reports/claims.csv", reports.report_view("csv"), name="report-csv"),
    path("reports/claims.json", reports.report_view("json"), name="report-json"),
    path("reports/claims.jsonl", reports.report_view("jsonl"), name="report-jsonl"),
    path("reports/claimreview.jsonld", reports.report_view("claimreview"), name="report-claimreview"),
    path("reports/report.html", reports.report_view("html"), name="report-html"),
    path("", include(router.urls)),
]
