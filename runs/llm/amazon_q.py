"""Amazon Q Business through ``boto3``'s ``qbusiness.chat_sync``.

ChatSync has no system role and a small input limit (AMAZON_Q_MAX_INPUT_CHARS),
so the instructions and the logs travel in one ``userMessage``; when they do
not fit, the oldest log lines are dropped and the prompt says so. The answer
text (``systemMessage``) must hold the verdict JSON; it is validated like
every provider's.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError, NoCredentialsError, ReadTimeoutError
from django.conf import settings
from pydantic import Field

from monitors.schemas import Schema
from runs.llm import prompts
from runs.llm.base import Analysis, AnalysisRequest, Provider, ProviderError
from runs.llm.parsing import parse_verdict

CONNECT_TIMEOUT_SECONDS = 10

# Errors that retrying will not fix: the configuration or the account must change.
PERMANENT_ERROR_CODES = {
    "AccessDeniedException", "ValidationException", "ResourceNotFoundException",
    "LicenseNotFoundException", "UnrecognizedClientException", "InvalidSignatureException",
    "ExpiredTokenException",
}


class AmazonQMetadata(Schema):
    """Per-monitor overrides, in ``monitor.llm_provider_metadata``."""

    application_id: Annotated[str, Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9-]{35}$")] | None = None
    # CREATOR_MODE answers from the model's own knowledge instead of the
    # application's indexed documents; it must be enabled on the application.
    chat_mode: Literal["RETRIEVAL_MODE", "CREATOR_MODE"] | None = None


class AmazonQProvider(Provider):
    name = "amazon_q"
    metadata_schema = AmazonQMetadata

    def analyze(self, request: AnalysisRequest) -> Analysis:
        options = self.options(request)
        application_id = options.application_id or settings.AMAZON_Q_APPLICATION_ID
        if not application_id:
            raise ProviderError(
                "no Amazon Q application id: set AMAZON_Q_APPLICATION_ID or the monitor's "
                "llm_provider_metadata.application_id",
                permanent=True,
            )
        prompt, _ = prompts.render_within(request, max_chars=settings.AMAZON_Q_MAX_INPUT_CHARS, limit_name="AMAZON_Q_MAX_INPUT_CHARS")
        params = {"applicationId": application_id, "userMessage": prompt.as_one_message()}
        if settings.AMAZON_Q_USER_ID:
            params["userId"] = settings.AMAZON_Q_USER_ID
        if options.chat_mode:
            params["chatMode"] = options.chat_mode
        record = json.dumps(params, ensure_ascii=False, indent=1)
        try:
            answer = self._client().chat_sync(**params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            raise ProviderError(
                f"Amazon Q answered {code} (HTTP {status}): {error.get('Message', '')}",
                permanent=code in PERMANENT_ERROR_CODES,
                request=record,
            ) from None
        except (ReadTimeoutError, ConnectTimeoutError):
            raise ProviderError(f"no answer from Amazon Q within LLM_TIMEOUT_SECONDS={settings.LLM_TIMEOUT_SECONDS:g}s", request=record) from None
        except EndpointConnectionError as exc:
            raise ProviderError(f"cannot reach Amazon Q: {exc}", request=record) from None
        except NoCredentialsError:
            raise ProviderError("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the host a role", permanent=True, request=record) from None
        except BotoCoreError as exc:  # parameter validation and other client-side failures
            raise ProviderError(f"Amazon Q request failed: {exc}", permanent=True, request=record) from None
        text = answer.get("systemMessage") or ""
        return Analysis(verdict=parse_verdict(text, request=record), model=f"amazon-q:{application_id}", request=record, response=text)

    @staticmethod
    def _client():
        return boto3.client(
            "qbusiness",
            endpoint_url=settings.AMAZON_Q_ENDPOINT_URL,
            region_name=settings.AMAZON_Q_REGION,
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
            aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
            config=Config(
                connect_timeout=min(CONNECT_TIMEOUT_SECONDS, settings.LLM_TIMEOUT_SECONDS),
                read_timeout=settings.LLM_TIMEOUT_SECONDS,
                retries={"mode": "standard", "total_max_attempts": settings.LLM_MAX_RETRIES + 1},
            ),
        )
