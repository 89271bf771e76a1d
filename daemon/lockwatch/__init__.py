"""lockwatch: catch Amazon account takeovers and Amazon phishing in your mailbox."""

__version__ = "0.1.0"
__all__ = ["__version__"]
