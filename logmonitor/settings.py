"""logmonitor settings: one file, every value from the environment (django-environ).

Every variable is listed, with its default and meaning, in the README's
configuration table. Defaults are the embedded one-machine stack: SQLite,
the django-q2 ORM broker and the offline analyzer.
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("LOGMONITOR_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/ (never committed)."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "monitors",
    "runs",
    "notifications",
    "logmonitor.apikeys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "logmonitor.urls"
WSGI_APPLICATION = "logmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'logmonitor.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, the workers and the dispatcher read while one writes;
    # IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy
    # timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, health) ------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "logmonitor_cache"}}

# --- Workers (django-q2) -------------------------------------------------
# A run is bounded by its collection and LLM timeouts; `timeout` kills a stuck
# worker, and `retry` must exceed it (plus queue wait) or a slow task would be
# handed to a second worker while the first still runs it.
Q_TIMEOUT_SECONDS = env.int("Q_TIMEOUT_SECONDS", default=300)
Q_CLUSTER = {
    "name": "logmonitor",
    "workers": env.int("Q_WORKERS", default=4),
    "timeout": Q_TIMEOUT_SECONDS,
    "retry": Q_TIMEOUT_SECONDS + 60,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Workers",
}
if REDIS_URL:
    from redis.connection import parse_url

    # Timeouts so a lost Redis fails fast (/healthz, enqueue) instead of hanging;
    # the socket timeout stays above the broker's 1 s BLPOP.
    Q_CLUSTER["redis"] = {"socket_connect_timeout": 5, "socket_timeout": 30, **parse_url(REDIS_URL)}
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = env.float("Q_ORM_POLL_SECONDS", default=0.5)

SCHEDULER_ENABLED = env.bool("SCHEDULER_ENABLED", default=True)
SCHEDULER_TICK_SECONDS = env.float("SCHEDULER_TICK_SECONDS", default=5.0)
RUN_LEASE_SECONDS = env.int("RUN_LEASE_SECONDS", default=Q_TIMEOUT_SECONDS + 120)

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "runs:dashboard"
LOGOUT_REDIRECT_URL = "login"
API_TOKEN = env.str("API_TOKEN", default="")
# Large enough that an oversized prompt or config reaches validation and gets
# a 400 naming the field; beyond it the API answers 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("API_MAX_BODY_BYTES", default=16 * 1024 * 1024)

# --- Security (production values when DEBUG is off) -------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- i18n / static -----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve static files straight from static/ and the apps, so the stack works
# without a collectstatic step (make run still collects them for speed).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- LLM providers ---------------------------------------------------------
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
# name -> provider class (dotted path, imported lazily), like EMAIL_BACKEND.
LLM_PROVIDERS = {
    "openai": "runs.llm.openai.OpenAIProvider",
    "amazon_q": "runs.llm.amazon_q.AmazonQProvider",
    "stub": "runs.llm.stub.StubProvider",
}
LLM_PROVIDER = env.str("LLM_PROVIDER", default="") or ("openai" if OPENAI_API_KEY else "stub")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=60.0)
LLM_MAX_RETRIES = env.int("LLM_MAX_RETRIES", default=1)
AMAZON_Q_REGION = env.str("AMAZON_Q_REGION", default="us-east-1")
AMAZON_Q_APPLICATION_ID = env.str("AMAZON_Q_APPLICATION_ID", default="")
AMAZON_Q_USER_ID = env.str("AMAZON_Q_USER_ID", default="")
AMAZON_Q_ENDPOINT_URL = env.str("AMAZON_Q_ENDPOINT_URL", default="") or None
AMAZON_Q_MAX_INPUT_CHARS = env.int("AMAZON_Q_MAX_INPUT_CHARS", default=7000)
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None

# --- Collection ------------------------------------------------------------
COMMAND_INPUTS_ENABLED = env.bool("COMMAND_INPUTS_ENABLED", default=True)
COMMAND_TIMEOUT_SECONDS = env.float("COMMAND_TIMEOUT_SECONDS", default=30.0)
COMMAND_MAX_OUTPUT_BYTES = env.int("COMMAND_MAX_OUTPUT_BYTES", default=1_000_000)
LOG_FILE_ROOTS = [str(Path(p).resolve()) for p in env.list("LOG_FILE_ROOTS", default=["/var/log", str(BASE_DIR / "demo" / "logs")])]
DOCKER_HOST = env.str("DOCKER_HOST", default="") or None
DOCKER_TIMEOUT_SECONDS = env.float("DOCKER_TIMEOUT_SECONDS", default=10.0)
DEFAULT_WINDOW_MAX_LINES = env.int("DEFAULT_WINDOW_MAX_LINES", default=2000)
DEFAULT_WINDOW_MAX_CHARS = env.int("DEFAULT_WINDOW_MAX_CHARS", default=200_000)

# --- Runs ------------------------------------------------------------------
MAX_RUN_HISTORY_PER_MONITOR = env.int("MAX_RUN_HISTORY_PER_MONITOR", default=500)
STORED_LLM_MAX_CHARS = env.int("STORED_LLM_MAX_CHARS", default=100_000)
STORED_LOGS_MAX_CHARS = env.int("STORED_LOGS_MAX_CHARS", default=200_000)
INCIDENT_LOGS_EXCERPT_CHARS = env.int("INCIDENT_LOGS_EXCERPT_CHARS", default=4000)

# --- Log intelligence: what the LLM is sent, and what it costs --------------
# Characters of (compressed) logs per prompt, about 4 per token; text that fits
# is sent as is. Amazon Q caps its whole input, so it keeps room for the prompt.
LLM_BUDGET_CHARS = env.int("LLM_BUDGET_CHARS", default=24_000)
# The offline stub judges by per-source counts and sends nothing anywhere, so
# it reads the whole (redacted) window, uncompressed.
LLM_BUDGET_CHARS_BY_PROVIDER = {
    "amazon_q": max(AMAZON_Q_MAX_INPUT_CHARS - 2_000, 1_000),
    "stub": 1_000_000_000,
    **env.json("LLM_BUDGET_CHARS_BY_PROVIDER_JSON", default={}),
}
# USD per 1M tokens, (input, output); a model name also matches its dated
# snapshots (gpt-4o-mini-2024-07-18). Unknown models get no estimate.
LLM_PRICES = {
    "gpt-4o-mini": ("0.15", "0.60"),
    "gpt-4o": ("2.50", "10.00"),
    "gpt-4.1": ("2.00", "8.00"),
    "gpt-4.1-mini": ("0.40", "1.60"),
    "gpt-4.1-nano": ("0.10", "0.40"),
    "gpt-5": ("1.25", "10.00"),
    "gpt-5-mini": ("0.25", "2.00"),
    "gpt-5-nano": ("0.05", "0.40"),
    "o3": ("2.00", "8.00"),
    "o3-mini": ("1.10", "4.40"),
    "o4-mini": ("1.10", "4.40"),
    "gpt-4-turbo": ("10.00", "30.00"),
    "gpt-3.5-turbo": ("0.50", "1.50"),
    "stub": ("0", "0"),
    **env.json("LLM_PRICES_JSON", default={}),
}

# --- Notifications -----------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="logmonitor@localhost")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_API_URL = env.str("TWILIO_API_URL", default="https://api.twilio.com")
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_ALLOW_PRIVATE_IPS = env.bool("WEBHOOKS_ALLOW_PRIVATE_IPS", default=False)
# Hosts (names, addresses or CIDR networks) that may be private or loopback;
# `make run` allows loopback so the demo works. Link-local/metadata: never.
WEBHOOKS_ALLOWED_HOSTS = env.list("WEBHOOKS_ALLOWED_HOSTS", default=[])
# Transient failures are retried as background tasks with exponential backoff
# and jitter: about BASE, 2*BASE, 4*BASE ... seconds, capped at MAX.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=4)
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=30.0)
NOTIFY_RETRY_MAX_SECONDS = env.float("NOTIFY_RETRY_MAX_SECONDS", default=3600.0)

# Names of settings whose values must never reach a child process, a page,
# the API, a log line or an LLM prompt.
SECRET_SETTING_NAMES = (
    "SECRET_KEY", "OPENAI_API_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "EMAIL_HOST_PASSWORD", "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "API_TOKEN", "DATABASE_URL", "REDIS_URL",
)

# --- API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "logmonitor.permissions.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["logmonitor.permissions.IsStaffOrAPIKey"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "logmonitor.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "logmonitor.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "logmonitor.pagination.BoundedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"expensive": env.str("API_EXPENSIVE_THROTTLE", default="30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "logmonitor API",
    "DESCRIPTION": "Monitors that read logs, ask an LLM for a verdict, and tell people.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["logmonitor.permissions.IsStaffOrAPIKey"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page works offline: Swagger UI and ReDoc come from the sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["logmonitor.openapi.documented_paths_only"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "logmonitor.openapi.integer_ids"],
    "OAS_VERSION": "3.1.0",
    # A monitor's state and a run's status share the same values.
    "ENUM_NAME_OVERRIDES": {"RunStatusEnum": "runs.models.MonitorRun.Status"},
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Libraries that chat at INFO: Drain3 on every compressed section, the
    # openai SDK (via httpx2) on every request, twilio with URLs holding the SID.
    "loggers": {name: {"level": "WARNING"} for name in ("drain3", "httpx", "httpx2", "openai", "botocore", "urllib3", "twilio")},
}
