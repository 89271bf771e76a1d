"""The state database: schema, migrations and every query lockwatch runs."""
