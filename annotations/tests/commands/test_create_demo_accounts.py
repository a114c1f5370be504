import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotations import roles
from annotations.management.commands import create_demo_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def credentials_file(tmp_path, monkeypatch):
    path = tmp_path / ".demo-credentials"
    monkeypatch.setattr(create_demo_accounts, "CREDENTIALS_FILE", path)
    return path


def test_refuses_outside_demo_mode(settings, credentials_file):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("create_demo_accounts")
    assert get_user_model().objects.count() == 0
    assert not credentials_file.exists()


def test_creates_two_editors_a_reviewer_and_an_admin_with_generated_passwords(
    settings, credentials_file, capsys, monkeypatch
):
    settings.DEMO_MODE = True
    monkeypatch.delenv("FACTCHECK_DEMO_PASSWORD", raising=False)
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"editor", "editor2", "reviewer", "admin"}
    assert roles.is_editor(users["editor"]) and not roles.is_reviewer(users["editor"])
    assert roles.is_editor(users["editor2"]) and not roles.is_reviewer(users["editor2"])
    assert roles.is_reviewer(users["reviewer"])
    assert users["admin"].is_superuser
    saved = credentials_file.read_text().splitlines()
    assert len(saved) == 4
    passwords = [line.split()[-1] for line in saved]
    assert len(set(passwords)) == 4  # each generated independently
    for line, password in zip(saved, passwords, strict=True):
        username = line.split()[0]
        assert users[username].check_password(password)
        assert len(password) >= 16
        assert password in out  # printed once
    assert oct(credentials_file.stat().st_mode & 0o777) == "0o600"


def test_second_run_creates_nothing_and_prints_no_password(settings, credentials_file, capsys):
    settings.DEMO_MODE = True
    call_command("create_demo_accounts")
    first_password = credentials_file.read_text().split()[2]
    capsys.readouterr()
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    assert "already exist" in out
    assert first_password not in out
    assert get_user_model().objects.count() == 4


def test_password_from_the_environment(settings, credentials_file, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setenv("FACTCHECK_DEMO_PASSWORD", "a-chosen-demo-passphrase")
    call_command("create_demo_accounts")
    for user in get_user_model().objects.all():
        assert user.check_password("a-chosen-demo-passphrase")
    assert not credentials_file.exists()


@pytest.mark.parametrize("weak", ["demo", "password1234", "202601312026"])
def test_a_chosen_password_must_pass_the_password_rules(settings, credentials_file, monkeypatch, weak):
    settings.DEMO_MODE = True
    monkeypatch.setenv("FACTCHECK_DEMO_PASSWORD", weak)
    with pytest.raises(CommandError, match=r"^FACTCHECK_DEMO_PASSWORD is refused: "):
        call_command("create_demo_accounts")
    assert get_user_model().objects.count() == 0


def test_every_demo_account_can_open_the_admin(settings, credentials_file, monkeypatch, client):
    settings.DEMO_MODE = True
    monkeypatch.setenv("FACTCHECK_DEMO_PASSWORD", "a-chosen-demo-passphrase")
    call_command("create_demo_accounts")
    for username in ("editor", "editor2", "reviewer", "admin"):
        signed_in = client.post(
            "/admin/login/", {"username": username, "password": "a-chosen-demo-passphrase"}, HTTP_HOST="127.0.0.1"
        )
        assert signed_in.status_code == 302, username
        assert client.get("/admin/", HTTP_HOST="127.0.0.1").status_code == 200, username
        assert client.get("/admin/annotations/claim/", HTTP_HOST="127.0.0.1").status_code == 200, username
        client.logout()
