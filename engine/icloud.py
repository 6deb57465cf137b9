"""iCloud Mail's servers (Apple 102525), as `HOST:PORT`: IMAP with implicit TLS on 993, SMTP submission with STARTTLS on 587.

A module of its own, importing nothing: the `mailkb` command shows them in the probe options' help without loading the probe.
"""

DEFAULT_IMAP = "imap.mail.me.com:993"
DEFAULT_SMTP = "smtp.mail.me.com:587"
