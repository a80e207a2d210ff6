"""Alerts: miner problems and the product's events routed to the right members, once."""
