"""supplier blueprint."""
