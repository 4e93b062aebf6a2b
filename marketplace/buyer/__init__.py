"""buyer blueprint."""
