"""The signed-in person as services see them: identity, role and the scope their role grants."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from export_mgmt.accounts.tables import AppUser

Role = AppUser.Role


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    role: str
    county_code: str | None = None
    agency_id: int | None = None
    locale: str | None = None
    client_address: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.county_clerk

    @property
    def is_unbound_clerk(self) -> bool:
        """A clerk with no county (the user form refuses one; an old or hand-made row may hold it): her scope
        would read as city-wide, so she is refused the worker pool instead."""
        return self.is_clerk and not self.county_code

    # Who may read the worker pool: county clerks (their county only) and the city-wide roles.
    @property
    def can_read_workers(self) -> bool:
        roles = {Role.admin, Role.county_clerk, Role.inspector, Role.supervisor}
        return self.role in roles and not self.is_unbound_clerk

    @property
    def can_write_workers(self) -> bool:
        return self.role in {Role.admin, Role.county_clerk} and not self.is_unbound_clerk

    @property
    def sees_full_id_numbers(self) -> bool:
        """Full identity numbers only for roles that act on a person (never for read-only statistics)."""
        return self.role in {Role.admin, Role.county_clerk, Role.inspector}

    @property
    def county_scope(self) -> str | None:
        """The one county a clerk is confined to; None means city-wide."""
        return self.county_code if self.is_clerk else None


SYSTEM = Actor(id=0, username="system", display_name="system", role="system")


def command_user() -> str:
    """Who the audit trail says acted from the command line: `cli:` and the operating-system login name."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in a container, for instance
        user = "unknown"
    return f"cli:{user}"[:100]


def command_actor() -> Actor:
    """An operator at the command line doing something that belongs to no role (backups, restores)."""
    return Actor(id=0, username=command_user(), display_name=command_user(), role=SYSTEM.role)
