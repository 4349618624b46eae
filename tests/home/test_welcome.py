"""After signing up and confirming the address, the person is greeted once:
one message (the address confirmed), one main heading."""

import re

from django.core import mail


def test_a_new_account_is_welcomed_once(client, db):
    data = {"email": "nia@example.org", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"}
    client.post("/accounts/signup/", data | {"first_name": "Nia", "time_zone": "Europe/London"}, follow=True)
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    html = client.post(link, follow=True).content.decode()
    assert re.findall(r'<div class="alert[^"]*" role="status"><span>(.*?)</span>', html) == [
        "You have confirmed nia@example.org."
    ]
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Welcome to Hemolog"]
