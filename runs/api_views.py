"""API views for running monitors and reading runs: run-once, status, run history; a monitor's silence and webhook secret."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from logmonitor.openapi import CONFLICT, ERROR, THROTTLED
from logmonitor.throttling import ExpensiveActionThrottle
from monitors.models import Monitor
from monitors.serializers import MonitorCollectionSerializer
from notifications import services as notification_services
from runs import selectors
from runs.digest import digest_preview
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from runs.serializers import (
    MonitorStatusSerializer,
    RunDetailSerializer,
    RunFilterSerializer,
    RunSerializer,
    SilenceSerializer,
    UsageFilterSerializer,
    UsageSerializer,
    WebhookSecretSerializer,
)

RUN_ONCE = (
    "Runs the monitor now, synchronously: collect, ask the LLM, record, notify. The answer is the finished run, "
    "so it can take as long as the monitor's input timeouts plus the LLM timeout. Clients that cannot wait should "
    "time out and poll `GET /monitors/{id}/status` until `running` is false, then read `GET /monitors/{id}/runs/latest`."
)


COLLECT = (
    "Reads every input now and returns exactly the text a run would send the monitor's LLM: secrets redacted, "
    "compressed to the provider's budget (`logs_text`). Also says what was redacted and compressed, and the severity "
    "floor the logs set. Moves no cursor, records no run, calls no LLM."
)
USAGE = (
    "Runs, tokens in and out, and the estimated cost (USD, from `LLM_PRICES`) per day in the server's time zone, "
    "newest first; days without runs are left out. `cost_usd` is null when no run that day used a priced model."
)


class MonitorRunActionsViewSet(viewsets.GenericViewSet):
    """Run a monitor now, preview what it would send, its usage, and its scheduling snapshot (the parts of /monitors/ that need runs)."""

    queryset = Monitor.objects.select_related("target", "log_source")
    serializer_class = MonitorStatusSerializer
    lookup_value_regex = r"\d+"

    @extend_schema(
        request=None,
        responses={201: RunDetailSerializer, 409: OpenApiResponse(CONFLICT, description="A run of this monitor is already in progress."), 429: THROTTLED},
        summary="Run now and return the finished run",
        description=RUN_ONCE,
    )
    @action(detail=True, methods=["post"], url_path="run-once", throttle_classes=[ExpensiveActionThrottle])
    def run_once(self, request, pk=None):
        run = run_monitor(self.get_object(), trigger=MonitorRun.Trigger.API)  # RunInProgress -> 409
        return Response(RunDetailSerializer(run).data, status=201)

    @extend_schema(
        request=None, responses={200: MonitorCollectionSerializer, 429: THROTTLED}, summary="Collect the inputs only (no LLM)", description=COLLECT
    )
    @action(detail=True, methods=["post"], throttle_classes=[ExpensiveActionThrottle])
    def collect(self, request, pk=None):
        return Response(MonitorCollectionSerializer(digest_preview(self.get_object()).as_preview()).data)

    @extend_schema(parameters=[UsageFilterSerializer], responses={200: UsageSerializer}, summary="LLM tokens and cost per day", description=USAGE)
    @action(detail=True, methods=["get"])
    def usage(self, request, pk=None):
        filters = UsageFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        monitor, days = self.get_object(), filters.validated_data["days"]
        by_day = selectors.usage_by_day(monitor, days=days)
        return Response(UsageSerializer({"monitor_id": monitor.pk, "days": days, "totals": selectors.usage_totals(by_day), "by_day": by_day}).data)

    @extend_schema(responses={200: MonitorStatusSerializer}, summary="Scheduling snapshot of one monitor")
    @action(detail=True, methods=["get"], url_path="status", url_name="status")
    def monitor_status(self, request, pk=None):
        return Response(MonitorStatusSerializer(get_object_or_404(selectors.monitor_statuses(), pk=pk)).data)

    @extend_schema(responses={200: MonitorStatusSerializer(many=True)}, summary="Scheduling snapshot of every monitor")
    @action(detail=False, methods=["get"], url_path="status", url_name="status-list")
    def all_statuses(self, request):
        page = self.paginate_queryset(selectors.monitor_statuses().order_by("name"))
        return self.get_paginated_response(MonitorStatusSerializer(page, many=True).data)


SILENCE = (
    "Sends nothing for this monitor (notifications and remediation incidents) until `until`, or for `minutes` from now: "
    "give exactly one. Held-back messages are recorded as `skipped` deliveries; if the monitor is still bad when the "
    "silence ends, one message goes out at the next run. Answers with the monitor's status snapshot."
)
WEBHOOK_SECRET = (
    "Generates a new Standard Webhooks signing secret for this monitor's webhooks and incidents, replacing the old one. "
    "This answer is the only place it is ever shown: no other endpoint, page or log returns it."
)


class MonitorAlertViewSet(viewsets.GenericViewSet):
    """Silence a monitor, end its silence, rotate its webhook secret: each one call to notifications.services."""

    queryset = Monitor.objects.only("id", "name")
    serializer_class = SilenceSerializer
    lookup_value_regex = r"\d+"

    def snapshot(self, monitor: Monitor) -> Response:
        return Response(MonitorStatusSerializer(selectors.monitor_statuses().get(pk=monitor.pk)).data)

    @extend_schema(request=SilenceSerializer, responses={200: MonitorStatusSerializer}, summary="Silence notifications until a time", description=SILENCE)
    @action(detail=True, methods=["post"])
    def silence(self, request, pk=None):
        monitor = self.get_object()
        wanted = SilenceSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        notification_services.monitor_silence(monitor, until=wanted.validated_data["until"], reason=wanted.validated_data["reason"])
        return self.snapshot(monitor)

    @extend_schema(request=None, responses={200: MonitorStatusSerializer}, summary="End a silence now")
    @action(detail=True, methods=["post"])
    def unsilence(self, request, pk=None):
        monitor = self.get_object()
        notification_services.monitor_unsilence(monitor)
        return self.snapshot(monitor)

    @extend_schema(request=None, responses={201: WebhookSecretSerializer}, summary="Generate a new webhook secret (shown once)", description=WEBHOOK_SECRET)
    @action(detail=True, methods=["post"], url_path="webhook-secret")
    def webhook_secret(self, request, pk=None):
        secret = notification_services.webhook_secret_rotate(self.get_object())
        return Response(WebhookSecretSerializer({"secret": secret}).data, status=201, headers={"Cache-Control": "no-store"})


class MonitorRunViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A monitor's runs, newest first."""

    serializer_class = RunSerializer

    def monitor(self) -> Monitor:
        return get_object_or_404(Monitor.objects.only("id"), pk=self.kwargs["monitor_id"])

    def get_queryset(self):
        filters = RunFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.run_history(self.monitor(), **filters.validated_data)

    @extend_schema(parameters=[RunFilterSerializer], summary="Runs of a monitor, newest first (paginated)")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: RunDetailSerializer, 404: OpenApiResponse(ERROR, description="No such monitor, or no run yet.")})
    @action(detail=False, methods=["get"], serializer_class=RunDetailSerializer)
    def latest(self, request, monitor_id=None):
        run = selectors.latest_run(self.monitor())
        if run is None:
            raise NotFound("This monitor has not run yet.")
        return Response(RunDetailSerializer(run).data)


class RunViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One run, with its deliveries."""

    serializer_class = RunDetailSerializer
    lookup_url_kwarg = "run_id"
    lookup_value_regex = r"\d+"

    def get_object(self):
        run = selectors.run_for_report(self.kwargs["run_id"])
        if run is None:
            raise NotFound("No such run.")
        return run
