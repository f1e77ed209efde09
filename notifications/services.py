"""Tell the remediation agent and people about a finished run. Placeholder until channels land."""


def remediate(monitor, run) -> None:
    """POST an incident when the monitor's remediation rules say so."""


def notify(monitor, run) -> None:
    """Email and text the monitor's recipients when its notify_on rule says so."""
