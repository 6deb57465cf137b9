"""`mailkb probe`: a step-by-step connection test to iCloud Mail's IMAP and SMTP servers from this network.

DNS, TCP, TLS (with what a failed certificate check looks like: interception, a wrong clock, a captive portal),
the IMAP greeting and CAPABILITY, and the SMTP greeting, EHLO, STARTTLS and the sign-in methods offered. No step
sends a user name, password or token. The steps imply observations of the knowledge base's vocabulary, which
`mailkb diagnose --probe` (or `--evidence` with a saved `--json` result) feeds to the engine.

    from mailkb.probe.runner import ProbeSettings, run_probe
    from mailkb.probe.target import parse_target
    result = run_probe(ProbeSettings(parse_target("imap", "imap.mail.me.com:993"), parse_target("smtp", "smtp.mail.me.com:587")))

The package itself imports nothing, so the `mailkb` command registers `probe` without loading TLS and certificate
code: import from its modules (runner, target, tls, report).
"""
