"""Bounded pages for every list: ``?limit=`` (at most 200) and ``?offset=``."""

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 2**31 - 1  # beyond what any database here can skip, and what SQLite can bind


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset pages; a client cannot ask for more than ``max_limit`` rows at once."""

    default_limit = 50
    max_limit = 200

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit, "default": self.default_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
