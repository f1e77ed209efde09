"""Pages for runs and the dashboard (under /app/)."""

urlpatterns = []
