"""factory_boy factories for every model."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from monitors.models import LogSource, Monitor, Target
from notifications.models import AlertState, Delivery, MaintenanceWindow
from runs.models import MonitorRun


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")
    is_staff = True


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    name = factory.Sequence(lambda n: f"host-{n}")
    host = factory.LazyAttribute(lambda t: f"{t.name}.example.com")


class LogSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogSource

    name = factory.Sequence(lambda n: f"source-{n}")
    driver = LogSource.Driver.FILE
    config = factory.LazyFunction(lambda: {"path": "/var/log/syslog"})


class MonitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Monitor

    name = factory.Sequence(lambda n: f"monitor-{n}")
    target = factory.SubFactory(TargetFactory)
    interval_seconds = 60
    prompt = "Look for errors."
    inputs = factory.LazyFunction(lambda: [{"label": "echo", "mode": "command", "command": "echo all good"}])
    llm_provider = "stub"


class MonitorRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitorRun

    monitor = factory.SubFactory(MonitorFactory)
    status = MonitorRun.Status.OK
    llm_status = "HEALTHY"
    summary = "All quiet."
    report = "Nothing to report."
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda r: r.started_at)
    duration_ms = 5


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    monitor = factory.LazyAttribute(lambda d: d.run.monitor)
    run = factory.SubFactory(MonitorRunFactory)
    channel = Delivery.Channel.EMAIL
    recipient = "ops@example.com"
    outcome = Delivery.Outcome.SENT


class AlertStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertState

    monitor = factory.SubFactory(MonitorFactory)


class MaintenanceWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenanceWindow

    monitor = factory.SubFactory(MonitorFactory)
    name = factory.Sequence(lambda n: f"window-{n}")
    kind = MaintenanceWindow.Kind.ONCE
