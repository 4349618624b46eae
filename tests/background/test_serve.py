"""``manage.py serve`` (what ``make run`` starts): the web server, the worker
and the scheduler run together, and one Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.servers import ROOT, free_port, suite_database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == pid:
                found.append(int(entry))
    return found


def command_line(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode()


def is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_server_the_worker_and_the_scheduler_start_and_stop_together():
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hemolog.settings_test",
        "DATABASE_URL": suite_database_url(),
        "HEMOLOG_TASK_BACKEND": "database",
        "DJANGO_DEBUG": "",
    }
    env.pop("REDIS_URL", None)
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz/")
        children = children_of(serve.pid)
        commands = sorted(command_line(pid).split(" manage.py ")[1].split()[0] for pid in children)
        assert commands == ["runserver", "scheduler", "worker"]
        serve.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = serve.communicate(timeout=20)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == 0
    assert "Stopped the web server, the worker and the scheduler." in output
    time.sleep(0.2)
    assert not [pid for pid in children if is_running(pid)]
