"""`python -m scheduler`: the same as `export-mgmt scheduler`."""

from scheduler.main import run

run()
