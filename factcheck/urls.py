from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("annotations.api.urls")),
]

handler400 = "annotations.api.views.bad_request"
handler404 = "annotations.api.views.not_found"
handler500 = "annotations.api.views.server_error"
