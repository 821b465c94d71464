"""Production settings pass Django's deployment checklist, and pages carry the headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_manage(*args, env_extra, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TISSER_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tisser.settings",
        TISSER_DATA_DIR=str(tmp_path / "data"),
        **env_extra,
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "TISSER_ENV": "production",
            "TISSER_SECRET_KEY": secrets.token_urlsafe(60),
            "TISSER_ALLOWED_HOSTS": "carte.reseau.example",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_would_fail_it(tmp_path):
    """The check above can fail: development settings (DEBUG, dev key) do."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_extra={}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", env_extra={"TISSER_ENV": "production"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "TISSER_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
