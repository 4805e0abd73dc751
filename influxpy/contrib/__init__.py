"""Integrations of influxpy with other frameworks (each needs its own extra)."""
