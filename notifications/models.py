"""Who was told, and did it work: one Delivery per attempt."""

from django.db import models

from monitors.models import Monitor


class Delivery(models.Model):
    """One attempt to tell someone or something about a run."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"
        WEBHOOK = "webhook", "Webhook"
        REMEDIATION = "remediation", "Remediation"

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="deliveries")
    run = models.ForeignKey("runs.MonitorRun", on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    recipient = models.CharField(max_length=500, help_text="Email address, phone number or endpoint URL.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    response_code = models.IntegerField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    message_id = models.CharField(max_length=100, blank=True, help_text="Stays the same across retries (incident id).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.channel} to {self.recipient}: {self.outcome}"
