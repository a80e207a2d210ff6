"""Fleet telemetry: reading the miners, live statuses, samples, energy per day and charts."""
