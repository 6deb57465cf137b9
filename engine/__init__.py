"""mailkb: a troubleshooting knowledge base for iCloud Mail account errors."""

__version__ = "0.1.0"
