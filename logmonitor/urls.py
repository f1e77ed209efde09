from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from runs.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # anonymous: for probes, no secrets
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("app/", include("runs.urls")),
    path("app/", include("monitors.urls")),
    path("", include("logmonitor.api")),
    path("", RedirectView.as_view(pattern_name="runs:dashboard", permanent=False), name="home"),
]
