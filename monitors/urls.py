"""Pages for targets, log sources and editing monitors (under /app/)."""

from django.urls import path

from monitors import views

app_name = "monitors"

urlpatterns = [
    path("monitors/new/", views.monitor_edit, name="create"),
    path("monitors/<int:pk>/edit/", views.monitor_edit, name="edit"),
    path("monitors/<int:pk>/enabled/", views.monitor_enabled, name="enabled"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/new/", views.target_edit, name="target-create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("log-sources/", views.log_source_list, name="log-source-list"),
    path("log-sources/new/", views.log_source_edit, name="log-source-create"),
    path("log-sources/<int:pk>/edit/", views.log_source_edit, name="log-source-edit"),
    path("log-sources/<int:pk>/test/", views.log_source_test, name="log-source-test"),
    path("monitors/<int:pk>/delete/", views.object_delete, {"kind": "monitor"}, name="delete"),
    path("targets/<int:pk>/delete/", views.object_delete, {"kind": "target"}, name="target-delete"),
    path("log-sources/<int:pk>/delete/", views.object_delete, {"kind": "log-source"}, name="log-source-delete"),
]
