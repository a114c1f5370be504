"""Serving in production mode: the deploy checks, the refusal without a secret key, gunicorn with
whitenoise (make serve), and the Content-Security-Policy of the admin, the report and the API docs.

Production settings are read from the environment when the settings module loads, so the tests
that need them run ``manage.py`` or gunicorn in a subprocess with that environment.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from annotations.models import Claim

ROOT = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
STRONG_KEY = "a-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"


def production_env(tmp_path, **extra):
    """The environment of a production instance: DEBUG off, a strong key, a throwaway SQLite file."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_", "FACTCHECK_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="factcheck.example.org,127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(extra)
    return env


def manage(env, *args):
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# --- Settings -------------------------------------------------------------------------------------


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_names_what_an_insecure_environment_turns_off(tmp_path):
    env = production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_HSTS_SECONDS="0")
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W004" in done.stderr and "security.W008" in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "manage.py", "check"],
        [sys.executable, "manage.py", "migrate", "--noinput"],
        [str(GUNICORN), "--config", "factcheck/gunicorn.conf.py"],
    ],
    ids=["check", "migrate", "gunicorn"],
)
def test_production_mode_refuses_to_start_without_a_secret_key_in_one_line(tmp_path, command):
    env = production_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{free_port()}")
    del env["DJANGO_SECRET_KEY"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "factcheck: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
    ]
    assert not (tmp_path / "db.sqlite3").exists()  # stopped before touching the database


@pytest.mark.parametrize(
    "key",
    ["short-key", "a" * 60, "django-insecure-" + "0123456789abcdefghij" * 3],
    ids=["short", "one-character", "django-insecure"],
)
def test_production_mode_refuses_a_weak_secret_key_in_one_line(tmp_path, key):
    env = production_env(tmp_path, DJANGO_SECRET_KEY=key)
    done = manage(env, "check", "--deploy")
    assert done.returncode != 0
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("factcheck: DJANGO_SECRET_KEY is weak (at least 50 characters, 5 different ones")
    assert not (tmp_path / "db.sqlite3").exists()


def test_development_mode_needs_no_secret_key(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    del env["DJANGO_SECRET_KEY"]
    assert manage(env, "check").returncode == 0


# --- gunicorn and whitenoise ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, **headers):
    """GET ``url`` without following redirects; return (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def served(tmp_path):
    """Collect the static files and start gunicorn with the repository's config, as make serve does."""
    port = free_port()
    env = production_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2")
    collected = manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    assert collected.returncode == 0, collected.stderr
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "--config", "factcheck/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                fetch(base + "/admin/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()  # gunicorn's graceful stop; it stops its workers
        server.wait(timeout=30)


def test_gunicorn_serves_the_admin_over_https_with_the_security_headers(served):
    # The TLS-terminating proxy on this machine says the request came over HTTPS.
    status, headers, body = fetch(served + "/admin/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "; Secure" in headers["Set-Cookie"]  # the CSRF cookie travels over HTTPS only
    # whitenoise serves the collected files under content-hashed names, cached for good.
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body.decode()).group(1)
    status, headers, css = fetch(served + stylesheet, **{"X-Forwarded-Proto": "https"})
    assert status == 200 and b"body" in css
    assert "immutable" in headers["Cache-Control"]


def test_gunicorn_redirects_plain_http_to_https(served):
    status, headers, _ = fetch(served + "/admin/login/")
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_the_gunicorn_config_sizes_workers_from_the_cpus(monkeypatch):
    namespace = {}
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    exec((ROOT / "factcheck" / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["workers"] == 2 * namespace["CPUS"] + 1
    assert namespace["bind"] == ["127.0.0.1:8000"]
    assert namespace["accesslog"] == "-" and namespace["preload_app"] is True
    assert namespace["timeout"] >= 60 and namespace["graceful_timeout"] == namespace["timeout"]


# --- Content-Security-Policy ----------------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    """Return the response's Content-Security-Policy as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


def script_sources(response) -> list[str]:
    directives = policy(response)
    return directives.get("script-src", directives.get("default-src"))


def inline_scripts(html: str) -> list[str]:
    """Return the <script> elements of ``html`` that have no src: code in the page itself."""
    return [tag for tag in re.findall(r"<script\b[^>]*>", html, re.I) if " src=" not in tag]


ADMIN_PAGES = [
    lambda c, d: reverse("admin:index"),
    lambda c, d: reverse("admin:annotations_claim_changelist"),
    lambda c, d: reverse("admin:annotations_claim_change", args=[c.pk]),
    lambda c, d: reverse("admin:annotations_claim_queue"),
    lambda c, d: reverse("admin:annotations_sourcedocument_change", args=[d.report.pk]),
    lambda c, d: reverse("admin:annotations_reviewevent_changelist"),
    lambda c, d: reverse("admin:password_change"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ADMIN_PAGES, ids=["index", "claims", "claim", "queue", "document", "history", "pw"])
def test_admin_pages_allow_only_scripts_from_this_site_and_have_none_inline(client, reviewer, claim, documents, page):
    client.force_login(reviewer)
    response = client.get(page(claim, documents))
    assert response.status_code == 200
    assert script_sources(response) == ["'self'"]
    directives = policy(response)
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert inline_scripts(response.content.decode()) == []


@pytest.mark.django_db
def test_the_login_page_has_the_policy_too(client):
    response = client.get(reverse("admin:login"))
    assert script_sources(response) == ["'self'"]
    assert inline_scripts(response.content.decode()) == []


@pytest.mark.django_db
def test_the_api_docs_load_their_set_up_script_from_this_site(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert script_sources(page) == ["'self'"]
    html = page.content.decode()
    assert inline_scripts(html) == []
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all(src.startswith("/") for src in scripts)  # nothing from a CDN
    set_up = client.get(scripts[-1].replace("&amp;", "&"))
    assert set_up.status_code == 200
    assert set_up["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in set_up.content
    assert b'"validatorUrl": null' in set_up.content  # no call to validator.swagger.io


def assert_download_policy(response):
    directives = policy(response)
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'none'"]
    assert directives["form-action"] == ["'none'"]


@pytest.mark.django_db
def test_the_html_report_from_the_api_may_run_no_script(client, editor, claim, advance):
    advance(claim, "approved")
    client.force_login(editor)
    response = client.get("/api/reports/report.html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert_download_policy(response)
    html = b"".join(response.streaming_content).decode()
    assert claim.text in html and "<script" not in html


@pytest.mark.django_db
def test_the_html_report_from_the_admin_may_run_no_script(client, editor, claim, documents, advance):
    advance(claim, "approved")
    client.force_login(editor)
    document_report = client.get(reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "html"]))
    assert_download_policy(document_report)
    selection = client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "export_html", "_selected_action": [str(pk) for pk in Claim.objects.values_list("pk", flat=True)]},
    )
    assert selection.status_code == 200
    assert_download_policy(selection)


@pytest.mark.django_db
def test_other_downloads_keep_the_site_policy(client, editor, documents):
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "csv"]))
    assert script_sources(response) == ["'self'"]
