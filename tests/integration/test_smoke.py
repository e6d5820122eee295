"""The application starts, signs a user in and shows the labour pool."""

from tests.conftest import create_user, login


async def test_sign_in_and_open_the_pool(client):
    await create_user("admin", "admin")
    response = await login(client, "admin")
    assert response.status_code == 302
    page = await client.get("/workers/")
    assert page.status_code == 200
    assert "worker-list" in page.text
