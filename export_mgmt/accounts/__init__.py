"""User accounts, roles, sessions, passwords and login throttling."""
