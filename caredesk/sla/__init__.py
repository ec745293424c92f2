"""Service-level targets: business calendars and business-time arithmetic."""
