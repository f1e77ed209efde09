"""LLM providers. The registry (name -> class) is ``settings.LLM_PROVIDERS``."""

from django.conf import settings
from django.utils.module_loading import import_string

from runs.llm.base import Analysis, AnalysisRequest, Provider, ProviderError, Verdict

__all__ = ["Analysis", "AnalysisRequest", "Provider", "ProviderError", "Verdict", "get_provider", "provider_name_for"]


def provider_name_for(monitor) -> str:
    """The monitor's own provider, else the site default (LLM_PROVIDER)."""
    return monitor.llm_provider or settings.LLM_PROVIDER


def get_provider(name: str) -> Provider:
    """A provider instance by registry name; an unknown name is a permanent ProviderError (the run ends in error)."""
    try:
        path = settings.LLM_PROVIDERS[name]
    except KeyError:
        raise ProviderError(f"Unknown LLM provider '{name}'.", permanent=True) from None
    return import_string(path)()
