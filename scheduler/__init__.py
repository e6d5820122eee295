"""Background jobs: thin, idempotent sweeps over the database, run by their own process."""
