"""The production layout the docs show: the Procfile and the systemd units
start the three processes with commands this project has."""

import re

from django.core.management import get_commands

from tests.servers import ROOT

DEPLOY = ROOT / "deploy"


def manage_commands(text: str) -> list[str]:
    return re.findall(r"manage\.py (\w+)", text)


def test_the_procfile_runs_the_web_server_the_worker_and_the_scheduler():
    processes = dict(line.split(": ", 1) for line in (DEPLOY / "Procfile").read_text().splitlines() if ": " in line)
    processes = {name: command for name, command in processes.items() if not name.startswith("#")}
    assert sorted(processes) == ["scheduler", "web", "worker"]
    assert processes["web"].startswith("gunicorn hemolog.wsgi ")
    assert manage_commands(processes["worker"]) == ["worker"] and manage_commands(processes["scheduler"]) == [
        "scheduler"
    ]


def test_each_systemd_unit_starts_a_command_that_exists():
    units = {path.stem: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert sorted(units) == ["hemolog-scheduler", "hemolog-web", "hemolog-worker"]
    known = get_commands()
    for name, unit in units.items():
        (start,) = re.findall(r"^ExecStart=(.+)$", unit, re.MULTILINE)
        assert all(command in known for command in manage_commands(start)), name
    assert "hemolog.wsgi" in units["hemolog-web"]
    assert "KillSignal=SIGINT" in units["hemolog-worker"]  # finish the task under way, then stop
