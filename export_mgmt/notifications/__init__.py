"""In-app notifications per user, and their e-mail copies when SMTP is configured."""
