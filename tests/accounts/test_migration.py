"""Users from before django-allauth keep their log-in: migration
accounts/0002 records each address as verified and primary."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from tests import factories

BEFORE = [("accounts", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_users_get_a_verified_address_and_can_log_in():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    User.objects.create(email="before@example.org", password=make_password(factories.PASSWORD))
    User.objects.create(email="also.before@example.org", password=make_password(factories.PASSWORD))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # forward again, through accounts/0002

    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.order_by("email").values_list("email", "verified", "primary")
    assert list(addresses) == [("also.before@example.org", True, True), ("before@example.org", True, True)]
    response = Client().post(reverse("account_login"), {"login": "before@example.org", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
