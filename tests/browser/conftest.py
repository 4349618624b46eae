import pytest


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(page):
    """Every journey fails if the browser blocked something under the
    Content-Security-Policy (an inline script or a handler the pages still had)."""
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield
    assert not refused, refused
