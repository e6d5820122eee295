"""Dashboards per role: progress against the export targets, exports, follow-ups, complaints and ratings."""
