"""FarmDesk bot: entry point, settings, wiring and middlewares."""
