"""Wage-arrears complaints and reports: intake, routing, the statutory working-day clocks, public tracking."""
