"""``/healthz/`` and a database outage, on a real PostgreSQL reached through
a proxy the test cuts: every page answers 503 with a page that says nothing
was saved, the health check 503, and service comes back by itself."""

import os
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlparse

import psycopg
import pytest
from django.urls import reverse

from tests import factories
from tests.servers import ROOT, Browser, Proxy, start_gunicorn, stop, wait_for


def test_the_health_check_reads_the_database_and_the_shared_cache(client, db):
    assert client.get(reverse("health")).json() == {"status": "ok", "database": "ok", "cache": "ok"}


def postgres() -> tuple[str, int, str]:
    """The machine's PostgreSQL (the one DATABASE_URL names when it names one)."""
    url = urlparse(os.environ.get("DATABASE_URL", ""))
    if url.scheme.startswith("postgres"):
        return url.hostname or "127.0.0.1", url.port or 5432, url.username or "postgres"
    return "127.0.0.1", 5432, "postgres"


def manage(database_url: str, *args: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hemolog.settings_test", "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture
def database_of_its_own():
    """A fresh PostgreSQL database, migrated, with one account; dropped afterwards."""
    host, port, user = postgres()
    name = f"hemolog_outage_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    direct = f"postgres://{user}@{host}:{port}/{name}"
    try:
        manage(direct, "migrate", "--noinput")
        manage(direct, "shell", "-c", "from tests import factories; factories.make_user('nurse@example.org')")
        yield host, port, user, name
    finally:
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_while_the_database_is_away_pages_say_so_and_service_comes_back_by_itself(database_of_its_own):
    host, port, user, name = database_of_its_own
    proxy = Proxy((host, port))
    server, url = start_gunicorn(f"postgres://{user}@127.0.0.1:{proxy.port}/{name}", DATABASE_CONN_MAX_AGE="0")
    try:
        wait_for(f"{url}/healthz/")
        browser = Browser()
        browser.log_in(url, "nurse@example.org", factories.PASSWORD)
        status, page = browser.get(f"{url}/")
        assert status == 200 and "Add a patient" in page

        proxy.cut()
        status, page = browser.get(f"{url}/")
        assert status == 503
        assert "Nothing was saved" in page and "Traceback" not in page
        status, body = Browser().get(f"{url}/healthz/")  # the load balancer, without a session
        assert status == 503 and '"database": "unreachable"' in body

        proxy.restore()
        for _ in range(50):  # within five seconds
            status, page = browser.get(f"{url}/")
            if status == 200:
                break
            time.sleep(0.1)
        assert status == 200 and "Add a patient" in page  # still logged in: the session was kept
        assert browser.get(f"{url}/healthz/")[0] == 200
    finally:
        stop(server)
        proxy.cut()


def test_while_the_shared_redis_is_away_pages_answer_503_too(client_for, owner, patient, settings):
    """The caches on a Redis that does not answer (port 9: nothing listens)."""
    from django.test import Client

    dead = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    client = client_for(owner)
    settings.CACHES = {**settings.CACHES, "values": dead}
    quiet = Client(raise_request_exception=False)
    quiet.cookies = client.cookies
    response = quiet.get(reverse("patients:detail", kwargs={"patient_id": patient.pk}))
    assert response.status_code == 503 and b"Nothing was saved" in response.content


def test_the_health_check_reads_the_queue_when_it_is_redis(client, db, settings):
    settings.TASK_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/12"}}
    assert client.get(reverse("health")).json() == {"status": "ok", "database": "ok", "cache": "ok", "queue": "ok"}
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{unused.getsockname()[1]}/0"}}
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "ok", "queue": "unreachable"}
