"""Brand profiles: one TOML file per brand (amazon.toml), read by ``lockwatch.detect.knowledge``."""

__all__: list[str] = []
