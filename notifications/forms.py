"""The monitor page's silence form: a few fixed lengths, or until a date and time, and a reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.services import validate_silence_until

UNTIL = "until"
LENGTHS = [("60", "1 hour"), ("240", "4 hours"), ("1440", "24 hours"), (UNTIL, "until a date and time")]


class SilenceForm(forms.Form):
    length = forms.ChoiceField(label="Silence for", choices=LENGTHS, initial="60")
    until = forms.DateTimeField(
        required=False, help_text="With 'until a date and time' (server time zone).",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(required=False, max_length=200, help_text="Shown on the page and in held-back deliveries.")

    def clean(self):
        data = super().clean()
        # The date is only read (and checked) when chosen: a stale value beside "1 hour" is no error.
        if data.get("length") == UNTIL and "until" not in self.errors:
            try:
                if not data.get("until"):
                    raise ValidationError("Give the date and time the silence ends.")
                validate_silence_until(data["until"])
            except ValidationError as exc:
                self.add_error("until", exc)
        return data

    def silenced_until(self) -> datetime:
        """When the silence ends (call after is_valid())."""
        if self.cleaned_data["length"] == UNTIL:
            return self.cleaned_data["until"]
        return timezone.now() + timedelta(minutes=int(self.cleaned_data["length"]))
