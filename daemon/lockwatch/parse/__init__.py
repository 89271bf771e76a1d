"""Bytes → ``Mail``: charsets, headers, addresses, dates, MIME and HTML. Imports only the base (model, errors, clock).

Flow inside: ``charsets`` → ``rawheaders`` → ``dates``, ``addresses`` → ``headers`` (header-only fast path),
``html`` → ``message`` (the full parse).
"""

__all__: list[str] = []
