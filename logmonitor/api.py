"""The API router: every endpoint at the documented paths, with or without a trailing slash."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from monitors.api_views import LogSourceViewSet, MonitorViewSet, TargetViewSet
from runs.api_views import MonitorAlertViewSet, MonitorRunActionsViewSet, MonitorRunViewSet, RunViewSet

router = SimpleRouter()
# Clients written for "/targets" and for "/targets/" both work, with no redirect
# (a redirected POST would lose its body).
router.trailing_slash = "/?"
router.register("targets", TargetViewSet, basename="target")
router.register("log-sources", LogSourceViewSet, basename="log-source")
router.register("monitors", MonitorViewSet, basename="monitor")
router.register("monitors", MonitorRunActionsViewSet, basename="monitor-run")
router.register("monitors", MonitorAlertViewSet, basename="monitor-alert")
router.register(r"monitors/(?P<monitor_id>\d+)/runs", MonitorRunViewSet, basename="monitor-runs")
router.register("runs", RunViewSet, basename="run")

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
