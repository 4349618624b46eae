"""Real server processes for tests: gunicorn started on a free port, a
browser-like client keeping cookies, and a TCP proxy a test can cut."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_HOST = "hemolog.test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def suite_database_url() -> str:
    """The URL of the database the tests run on, for a server process to use."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@contextlib.contextmanager
def servers_on_the_test_database(count: int = 2, redis_url: str = "", **env) -> Iterator[list[str]]:
    """``count`` gunicorn processes on the test database (the test needs
    ``transactional_db``, so that they see its rows), answering; their URLs."""
    started = [start_gunicorn(suite_database_url(), redis_url, **env) for _ in range(count)]
    try:
        for _, url in started:
            wait_for(f"{url}/healthz/")
        yield [url for _, url in started]
    finally:
        for server, _ in started:
            stop(server)


def start_gunicorn(database_url: str, redis_url: str = "", **env) -> tuple[subprocess.Popen, str]:
    """One gunicorn process (one worker) on ``database_url``, with the test
    settings; its caches and sessions' cache in Redis when ``redis_url`` is given."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hemolog.settings_test",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
        **env,
    }
    environment.pop("REDIS_URL", None)
    if redis_url:
        environment.update(REDIS_URL=redis_url, HEMOLOG_TEST_SERVER_REDIS="1")
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "hemolog.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    return server, f"http://127.0.0.1:{port}"


def start_worker(database_url: str, *args: str, script: str = "manage.py", **env) -> subprocess.Popen:
    """The task queue's worker (``manage.py worker``) on ``database_url``, with
    the test settings and ``env`` (which queue: HEMOLOG_TASK_BACKEND, QUEUE_REDIS_URL)."""
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "hemolog.settings_test",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "",
        **env,
    }
    return subprocess.Popen([sys.executable, script, "worker", *args], cwd=ROOT, env=environment)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=10)


def wait_for(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


class Browser:
    """Cookies kept across servers, as one browser would; each request names
    the site's one public host, as a load balancer in front passes it on."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(urllib.request.Request(url, headers={"Host": PUBLIC_HOST}), timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def visit(self, url: str) -> tuple[str, str]:
        """GET, following redirects; the page and the URL it ended at."""
        with self.opener.open(urllib.request.Request(url, headers={"Host": PUBLIC_HOST}), timeout=10) as response:
            return response.read().decode(), response.url

    def post(self, url: str, data: dict) -> tuple[int, str]:
        """Post a form as the page would, with the CSRF token of the cookie."""
        status, page, _ = self.submit(url, data)
        return status, page

    def submit(self, url: str, data: dict) -> tuple[int, str, str]:
        """Post a form; the status, the page and the URL it ended at."""
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Host": PUBLIC_HOST})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), url

    def post_file(self, url: str, data: dict, field: str, filename: str, content: bytes) -> tuple[int, str, str]:
        """Post a form with one file (multipart), as the page would; the status, page and final URL."""
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        boundary = "hemolog-test-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in {**data, "csrfmiddlewaretoken": token}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Host": PUBLIC_HOST, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        request = urllib.request.Request(url, data=b"".join(parts), headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), url

    def log_in(self, server: str, email: str, password: str) -> tuple[str, str]:
        """Post the log-in form of ``server``; the page answered and where it ended."""
        url, host = f"{server}/accounts/login/", {"Host": PUBLIC_HOST}
        self.opener.open(urllib.request.Request(url, headers=host)).read()
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(urllib.request.Request(url, data=body, headers=host)) as response:
            return response.read().decode(), response.url


class Proxy:
    """Forwards connections on a local port to ``target``; :meth:`cut` refuses
    new ones and drops those open, :meth:`restore` listens again, on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.open: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        self.listener.close()
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()
