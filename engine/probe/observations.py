"""From the steps to observations of the knowledge base's vocabulary (knowledge/observations/, group network).

An observation is true when some step saw it, false when every step that could have seen it ran and passed,
and left out when a step that could have seen it did not run (a failure before it skipped it).
"""

from __future__ import annotations

from .step import BLOCKED, CAPTIVE, CLOCK, DNS_FAILED, INTERCEPTED, PASS, Step

# observation id → (the signal that makes it true, the kinds of step that can show that signal)
OBSERVED: dict[str, tuple[str, frozenset[str]]] = {
    "dns_resolution_failed": (DNS_FAILED, frozenset({"dns"})),
    "port_blocked": (BLOCKED, frozenset({"tcp", "tls", "greeting", "capability", "ehlo", "starttls", "ehlo_tls"})),
    "tls_intercepted": (INTERCEPTED, frozenset({"tls", "starttls"})),
    "clock_wrong": (CLOCK, frozenset({"tls"})),
    "captive_portal_detected": (CAPTIVE, frozenset({"dns", "tls"})),
}


def observations(steps: list[Step]) -> dict[str, bool]:
    """The observations the steps imply, in the order of OBSERVED."""
    found: dict[str, bool] = {}
    for ident, (signal, kinds) in OBSERVED.items():
        witnesses = [step for step in steps if step.kind in kinds]
        if any(signal in step.signals for step in steps):
            found[ident] = True
        elif witnesses and all(step.status == PASS for step in witnesses):
            found[ident] = False
    return found
