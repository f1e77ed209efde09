"""Bounded pages for every list: ``?limit=`` (at most 200) and ``?offset=``."""

from rest_framework.pagination import LimitOffsetPagination


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset pages; a client cannot ask for more than ``max_limit`` rows at once."""

    default_limit = 50
    max_limit = 200
