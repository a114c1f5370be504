from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle
from rest_framework.routers import DefaultRouter

from . import reports, views

router = DefaultRouter()
router.register("documents", views.DocumentViewSet, basename="document")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("evidence", views.EvidenceViewSet, basename="evidence")

urlpatterns = [
    # DRF's token view is not throttled by default: limit password guessing like anonymous calls.
    path("auth/token/", ObtainAuthToken.as_view(throttle_classes=[AnonRateThrottle]), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("reports/claims.csv", reports.report_view("csv"), name="report-csv"),
    path("reports/claims.json", reports.report_view("json"), name="report-json"),
    path("reports/claims.jsonl", reports.report_view("jsonl"), name="report-jsonl"),
    path("reports/claimreview.jsonld", reports.report_view("claimreview"), name="report-claimreview"),
    path("reports/report.html", reports.report_view("html"), name="report-html"),
    path("", include(router.urls)),
]
