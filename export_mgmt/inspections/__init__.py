"""Employer-inspection cases: opened from follow-up findings (and later complaints), worked to a close."""
