"""Per-user API keys: created by a command (shown once), stored hashed, revocable, in the admin."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from logmonitor.apikeys.models import UserAPIKey


def create_key(username, name=""):
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", "create", username, *(["--name", name] if name else []), stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_the_key_once_and_stores_only_its_hash(staff_user):
    key, note = create_key("olga", name="deploy script")
    stored = UserAPIKey.objects.get()
    assert (stored.user, stored.name) == (staff_user, "deploy script")
    assert key.startswith(stored.prefix + ".")
    assert key not in stored.hashed_key and key not in stored.id
    assert "shown only this once" in note and key not in note
    assert APIClient(HTTP_X_API_KEY=key).get("/targets").status_code == 200


def test_revoke_by_prefix_stops_the_key(staff_user):
    key, _ = create_key("olga")
    out = io.StringIO()
    call_command("apikey", "revoke", key.partition(".")[0], stdout=out)
    assert "Revoked" in out.getvalue()
    assert APIClient(HTTP_X_API_KEY=key).get("/targets").status_code == 401


def test_list_shows_prefixes_and_state_never_keys(staff_user):
    key, _ = create_key("olga")
    call_command("apikey", "revoke", key.partition(".")[0])
    out = io.StringIO()
    call_command("apikey", "list", "olga", stdout=out)
    assert key.partition(".")[0] in out.getvalue() and "revoked" in out.getvalue()
    assert key not in out.getvalue()


def test_unknown_users_and_prefixes_are_command_errors(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        create_key("ghost")
    with pytest.raises(CommandError, match="No API key with prefix"):
        call_command("apikey", "revoke", "nothing")


def test_using_a_key_records_when(staff_user):
    key, _ = create_key("olga")
    APIClient(HTTP_X_API_KEY=key).get("/targets")
    assert UserAPIKey.objects.get().last_used_at is not None


def test_the_admin_creates_a_key_and_shows_it_once(superuser, staff_user, client):
    client.force_login(superuser)
    response = client.post(
        "/admin/apikeys/userapikey/add/", {"name": "ci", "user": staff_user.pk, "expiry_date_0": "", "expiry_date_1": ""}, follow=True
    )
    assert response.status_code == 200
    stored = UserAPIKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(stored.prefix in message and "will not be able to see it again" in message for message in shown)
    assert client.get("/admin/apikeys/userapikey/").status_code == 200
