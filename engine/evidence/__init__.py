"""Evidence in: bounces, header blocks, messages and pasted alerts read into observations (and a sender's DNS).

    >>> from mailkb.evidence import read_evidence
    >>> result = read_evidence(b"550 5.1.1 <someone@icloud.com>: user does not exist")
    >>> result.observations["smtp_reply_code"], result.observations["enhanced_status_code"]
    (550, '5.1.1')

Everything is read locally; nothing is sent anywhere. `mailkb check-domain` (dnscheck.py) is the only
part that uses the network, and only to query DNS.
"""

from __future__ import annotations

from .reader import EvidenceError, EvidenceResult, read_evidence

__all__ = ["EvidenceError", "EvidenceResult", "read_evidence"]
