"""The CI audit's verdict on pip-audit's JSON report (.ci/audit.py): a known
vulnerability fails the run, packages the service does not know do not."""

import importlib.util
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[1] / ".ci" / "audit.py"


def load():
    spec = importlib.util.spec_from_file_location("ci_audit", AUDIT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_known_vulnerability_fails_the_run():
    report = [
        {"name": "django", "version": "5.2.1", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"]}]},
        {"name": "whitenoise", "version": "6.12.0", "vulns": []},
    ]
    code, lines = load().verdict(report)
    assert code == 1
    assert "VULNERABLE django==5.2.1: PYSEC-2025-1 (fixed in 5.2.2)" in lines
    assert lines[-1] == "pip-audit: 2 pinned packages audited, 0 not known to the service, 1 vulnerable."


def test_packages_the_service_does_not_know_are_reported_not_failed():
    report = [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {"name": "fido2", "version": "2.2.1", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ]
    code, lines = load().verdict(report)
    assert code == 0
    assert lines == ["pip-audit: 1 pinned packages audited, 1 not known to the service, 0 vulnerable."]
