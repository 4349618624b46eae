"""X-Forwarded-Proto is believed only when the deployment says a TLS proxy is
in front (DJANGO_BEHIND_TLS_PROXY=1): without a proxy, any client could send
it to pass for HTTPS. The settings are read afresh in a child process."""

import os
import subprocess
import sys

SHOW = "import hemolog.settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"


def proxy_header(**env: str) -> str:
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_BEHIND_TLS_PROXY"}
    environment.update(DJANGO_SECRET_KEY="x", DJANGO_DEBUG="", **env)
    done = subprocess.run([sys.executable, "-c", SHOW], env=environment, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_forwarded_protocol_is_trusted_only_behind_a_proxy():
    assert proxy_header() == "None"
    assert proxy_header(DJANGO_BEHIND_TLS_PROXY="0") == "None"
    assert proxy_header(DJANGO_BEHIND_TLS_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
