"""The config file: TOML → frozen, typed settings with strict validation.

Every section is a frozen dataclass (``settings``) whose fields carry their own converter (``values``) in
the field metadata, so adding a key is adding one field; ``loader`` finds, reads and checks the file.
``from lockwatch.config import X`` is the way in for every other stage.
"""

from lockwatch.config.loader import find_config, load, load_default, parse, warn_if_exposed
from lockwatch.config.settings import (
    DEFAULT_GIVE_UP_AFTER,
    DEFAULT_SINCE,
    LOCAL_TYPES,
    SECTIONS,
    Account,
    Burst,
    Config,
    Detect,
    Notify,
    NotifyTarget,
    Schedule,
    StateSettings,
    default_state_path,
)
from lockwatch.config.values import parse_duration, parse_since, parse_size

__all__ = [
    "DEFAULT_GIVE_UP_AFTER", "DEFAULT_SINCE", "LOCAL_TYPES", "SECTIONS", "Account", "Burst", "Config", "Detect",
    "Notify", "NotifyTarget", "Schedule", "StateSettings", "default_state_path", "find_config", "load",
    "load_default", "parse", "parse_duration", "parse_since", "parse_size", "warn_if_exposed",
]
