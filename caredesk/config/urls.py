from django.contrib import admin
from django.urls import include, path

from caredesk.api.urls import api
from caredesk.ops import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("caredesk.workspace.urls")),
]
