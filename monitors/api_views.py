"""API views for targets, log sources and monitors: each write is one call to monitors.services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from logmonitor.api_errors import SourceUnreadable
from logmonitor.openapi import ERROR, THROTTLED
from logmonitor.throttling import ExpensiveActionThrottle
from monitors import services
from monitors.models import LogSource, Monitor, Target
from monitors.serializers import (
    LogSourceSerializer,
    MonitorSerializer,
    SampleSerializer,
    TargetSerializer,
)

IN_USE = OpenApiResponse(ERROR, description="Still used by a monitor or log source; nothing was deleted.")
DELETED_WITH_HISTORY = "Deletes the monitor together with its run history and deliveries."


class ServiceViewSet(viewsets.ModelViewSet):
    """CRUD whose writes go through services: ``create_service(**fields)``, ``update_service(obj, **fields)``."""

    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    lookup_value_regex = r"\d+"
    create_service = None
    update_service = None

    def perform_create(self, serializer):
        serializer.instance = self.create_service(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.update_service(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete(instance)  # InUseError -> 409 (logmonitor.api_errors)


@extend_schema_view(destroy=extend_schema(responses={204: None, 409: IN_USE}))
class TargetViewSet(ServiceViewSet):
    """Hosts or services that monitors look at."""

    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    create_service = staticmethod(services.target_create)
    update_service = staticmethod(services.target_update)


@extend_schema_view(destroy=extend_schema(responses={204: None, 409: IN_USE}))
class LogSourceViewSet(ServiceViewSet):
    """Log files and container logs that monitors can read."""

    queryset = LogSource.objects.all()
    serializer_class = LogSourceSerializer
    create_service = staticmethod(services.log_source_create)
    update_service = staticmethod(services.log_source_update)

    @extend_schema(
        request=None,
        responses={200: SampleSerializer, 422: OpenApiResponse(SampleSerializer, description="The driver's error."), 429: THROTTLED},
        summary="Read a sample through the real driver",
    )
    @action(detail=True, methods=["post"], throttle_classes=[ExpensiveActionThrottle])
    def test(self, request, pk=None):
        section = services.log_source_sample(self.get_object())
        body = SampleSerializer({**section.as_dict(), "text": section.text}).data
        if section.error:
            raise SourceUnreadable({"detail": section.error, **body})
        return Response(body)


@extend_schema_view(destroy=extend_schema(description=DELETED_WITH_HISTORY))
class MonitorViewSet(ServiceViewSet):
    """Monitors: what to read, the prompt, how often, who hears about it."""

    queryset = Monitor.objects.select_related("target", "log_source")
    serializer_class = MonitorSerializer
    create_service = staticmethod(services.monitor_create)
    update_service = staticmethod(services.monitor_update)

    def perform_create(self, serializer):
        services.check_command_inputs(self.request.user, old_inputs=[], new_inputs=serializer.validated_data["inputs"])
        super().perform_create(serializer)

    def perform_update(self, serializer):
        services.check_command_inputs(self.request.user, old_inputs=serializer.instance.inputs, new_inputs=serializer.validated_data["inputs"])
        super().perform_update(serializer)

    @extend_schema(request=None, responses={200: MonitorSerializer}, summary="Enable (due now)")
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        return self._set_enabled(True)

    @extend_schema(request=None, responses={200: MonitorSerializer}, summary="Disable (off schedule)")
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> Response:
        monitor = services.monitor_set_enabled(self.get_object(), enabled)
        return Response(MonitorSerializer(monitor).data)
