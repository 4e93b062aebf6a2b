"""ministry blueprint."""
