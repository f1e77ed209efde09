"""The project as a whole: migrations match the models, deploy checks, settings safety."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set for Playwright
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-value-0123456789",
        "ALLOWED_HOSTS": "ops.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "LOGMONITOR_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "logmonitor.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_one_is_generated_once_into_the_var_dir(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(LOGMONITOR_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="logmonitor.settings")
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first, second = (
        subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=settings.BASE_DIR,
                       env=env, capture_output=True, text=True, timeout=60).stdout.strip()
        for _ in range(2)
    )
    assert len(first) >= 50 and first == second
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
