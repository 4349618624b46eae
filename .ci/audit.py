"""Audit the pinned requirements with pip-audit; run by `make audit`.

Fails (exit 1) on a known vulnerability in a pinned version. When the
vulnerability service cannot be reached, or does not know a package (a
mirror without PyPI's JSON API answers 404), the run goes on and says what
was not audited: CI must not fail because a service outside the project is
down, and must not pretend the audit happened either.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "--progress-spinner", "off"]
        command += ["--format", "json", "--output", str(report)]
        for requirement in REQUIREMENTS:
            command += ["-r", requirement]
        run = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if not report.exists():
            print("pip-audit: the vulnerability service did not answer; nothing audited.")
            print((run.stderr or run.stdout).strip().splitlines()[-1:] or "")
            return 0
        dependencies = json.loads(report.read_text())["dependencies"]
    code, lines = verdict(dependencies)
    print("\n".join(lines))
    return code


def verdict(dependencies: list[dict]) -> tuple[int, list[str]]:
    """Exit code and report lines from pip-audit's JSON ``dependencies``."""
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    lines.append(
        f"pip-audit: {audited} pinned packages audited, {len(skipped)} not known to the service, "
        f"{len(vulnerable)} vulnerable."
    )
    return (1 if vulnerable else 0), lines


if __name__ == "__main__":
    sys.exit(main())
