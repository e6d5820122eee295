"""Employer tests read messages in English whatever the default interface language becomes."""

import pytest

from export_mgmt.i18n import set_locale


@pytest.fixture(autouse=True)
def english(client, other_client):
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"
    set_locale("en")  # for services called directly, outside a request
