"""Alerts → phones: targets, rendering per service, sending through apprise, and the outbox."""
