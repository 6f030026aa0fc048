"""Running the portal in production: health checks, the beat heartbeat, error reports and logs."""
