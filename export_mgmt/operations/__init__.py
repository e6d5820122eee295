"""Running background jobs: one at a time across processes, every run recorded."""
