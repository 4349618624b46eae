"""Fixtures of the infusion form tests (``test_infusion_forms``, ``test_infusion_stock``)."""

import pytest

from tests import factories

from .infusions import infusion_data


@pytest.fixture
def post_infusion(client_for, owner, patient):
    client = client_for(owner)

    def post(**overrides):
        return client.post(f"/patients/{patient.pk}/infusions/new/", infusion_data(**overrides))

    return post


@pytest.fixture
def advate():
    return factories.product("Advate")


@pytest.fixture
def hemlibra():
    product = factories.product("Hemlibra")
    assert product.unit == "mg"
    return product
