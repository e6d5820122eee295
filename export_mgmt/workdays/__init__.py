"""The Chinese working-day calendar for statutory deadlines, with an override table for years not yet covered."""
