"""Bytes → ``Mail``: charsets, headers, addresses, dates, MIME and HTML. Imports only the base (model, errors)."""
