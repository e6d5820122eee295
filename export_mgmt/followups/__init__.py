"""Follow-up tracking: the schedule rules, the due follow-ups the scheduler generates, and what they find."""
