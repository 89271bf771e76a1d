"""Facts → a localized alert that says what happened and what to do now; mail-derived text defanged."""

__all__: list[str] = []
