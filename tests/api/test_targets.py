"""Targets over the API: create, list, read, replace, delete (409 while in use)."""

from monitors.models import Target
from tests.factories import MonitorFactory, TargetFactory


def test_it_creates_lists_reads_and_replaces_a_target(api):
    created = api.post("/targets", {"name": "db-1", "host": "db-1.internal", "description": "primary"}, format="json")
    assert created.status_code == 201
    target_id = created.json()["id"]
    assert created.json()["host"] == "db-1.internal"

    assert [t["name"] for t in api.get("/targets").json()["results"]] == ["db-1"]
    assert api.get(f"/targets/{target_id}").json()["description"] == "primary"

    replaced = api.put(f"/targets/{target_id}", {"name": "db-1", "host": "db-1.example.net"}, format="json")
    assert replaced.status_code == 200
    assert Target.objects.get(pk=target_id).host == "db-1.example.net"


def test_paths_work_with_and_without_a_trailing_slash(api):
    assert api.post("/targets/", {"name": "a"}, format="json").status_code == 201
    assert api.post("/targets", {"name": "b"}, format="json").status_code == 201
    target = Target.objects.get(name="a")
    assert api.get(f"/targets/{target.pk}/").status_code == 200
    assert api.get(f"/targets/{target.pk}").status_code == 200
    assert api.get("/targets/").json()["count"] == 2


def test_a_duplicate_name_is_a_400_naming_the_field(api):
    TargetFactory(name="db-1")
    response = api.post("/targets", {"name": "db-1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["target with this name already exists."]}


def test_deleting_a_target_still_used_by_a_monitor_is_a_409_and_deletes_nothing(api):
    monitor = MonitorFactory(name="web errors", target__name="web-1")
    response = api.delete(f"/targets/{monitor.target_id}")
    assert response.status_code == 409
    assert response.json() == {"detail": "Target 'web-1' is still used by: web errors."}
    assert Target.objects.filter(pk=monitor.target_id).exists()


def test_deleting_an_unused_target_removes_it(api):
    target = TargetFactory()
    assert api.delete(f"/targets/{target.pk}").status_code == 204
    assert not Target.objects.filter(pk=target.pk).exists()


def test_an_unknown_target_is_a_404(api):
    assert api.get("/targets/999").status_code == 404
    assert api.get("/targets/999").json() == {"detail": "No Target matches the given query."}


def test_patch_is_not_offered(api):
    target = TargetFactory()
    assert api.patch(f"/targets/{target.pk}", {"host": "x"}, format="json").status_code == 405
