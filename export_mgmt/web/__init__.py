"""The web layer shared by every domain: sessions, CSRF, guards, templates and error pages."""
