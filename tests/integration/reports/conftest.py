"""Report tests read headers and labels in English whatever the default interface language is."""

import pytest


@pytest.fixture(autouse=True)
def english(client, other_client):
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"
