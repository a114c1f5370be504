from django.contrib.admin.apps import AdminConfig


class FactcheckAdminConfig(AdminConfig):
    default_site = "annotations.admin_site.FactcheckAdminSite"
