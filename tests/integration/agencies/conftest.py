"""Agency tests read messages in English whatever the default interface language becomes."""

import pytest

from export_mgmt import i18n


@pytest.fixture(autouse=True)
def english(client, other_client):
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"
    i18n.set_locale("en")  # for services called directly
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)
