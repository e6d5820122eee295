"""Licensed export agencies (kept minimal until the agencies feature: accounts bind staff to one)."""
