"""Pages for targets, log sources and monitors (under /app/)."""

urlpatterns = []
