"""ASGI entry point for uvicorn and other servers."""

from export_mgmt.app import create_app

app = create_app()
