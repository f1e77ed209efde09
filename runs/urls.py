"""Pages for the dashboard, a monitor and its runs (with its silence and webhook secret), and one run's report (under /app/)."""

from django.urls import path

from runs import views

app_name = "runs"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("monitors/<int:pk>/", views.monitor_detail, name="monitor"),
    path("monitors/<int:pk>/run/", views.monitor_run_now, name="run-now"),
    path("monitors/<int:pk>/preview/", views.monitor_preview, name="preview"),
    path("monitors/<int:pk>/silence/", views.monitor_silence, name="silence"),
    path("monitors/<int:pk>/unsilence/", views.monitor_unsilence, name="unsilence"),
    path("monitors/<int:pk>/webhook-secret/", views.monitor_webhook_secret, name="webhook-secret"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
]
