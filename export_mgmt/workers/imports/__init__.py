"""Excel import of workers into the labour pool: untrusted-file checks (checks), the columns and the template
(columns, template), reading (reader), validation through the register form's rules (validate), set-based
writing in one transaction (store), the whole import (service), and web imports as background jobs (jobs).

The web pages are in export_mgmt/workers/import_pages.py; the command is `export-mgmt import-workers`.
"""
