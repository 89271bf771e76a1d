"""The commands behind ``lockwatch COMMAND``, one module each with ``run(args) -> int``, and the exit codes
they share (the contract in the README and the systemd units)."""

__all__ = ["EXIT_CONFIG", "EXIT_FAILURE", "EXIT_MAILBOX", "EXIT_OK"]

EXIT_OK = 0
EXIT_FAILURE = 1  # check: a mail looks alarming; test-notify: a URL failed; run: the disk refuses the state
EXIT_CONFIG = 2  # the config, the command line or the state's place is unusable (systemd: do not restart)
EXIT_MAILBOX = 3  # scan, folders: a mailbox could not be read, or the state not written
