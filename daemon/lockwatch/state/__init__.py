"""The state layer: the database (db) and the queries of each stage that reads it whole (housekeeping, status)."""

__all__: list[str] = []
