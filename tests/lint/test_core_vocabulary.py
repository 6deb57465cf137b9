"""The core ids of DESIGN.md exist with the types and values other tools rely on."""

from __future__ import annotations

import pytest

from mailkb import load_kb

BOOLEAN = [
    "fails_on_other_device",
    "fails_on_other_network",
    "fails_with_other_account",
    "webmail_works",
    "fails_on_wifi",
    "fails_on_cellular",
    "vpn_or_proxy_active",
    "filtering_app_or_profile",
    "managed_device",
    "low_data_mode",
    "background_refresh_off",
    "battery_optimization_on",
    "password_changed_recently",
    "two_factor_enabled",
    "uses_app_specific_password",
    "verification_code_not_received",
    "account_locked_notice",
    "suspicious_signin_notice",
    "unknown_forwarding_rule",
    "sync_period_limited",
    "intermittent",
    "os_recently_updated",
    "service_status_issue",
    "specific_senders_only",
    "recipient_is_carrier_address",
    "bulk_sending",
    "smtp_username_is_full_address",
    "smtp_ssl_enabled",
    "from_address_matches_account",
]
AUTH_RESULTS = ["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"]
ENUMS = {
    "platform": ["iphone", "ipad", "mac", "android", "windows", "web"],
    "client": ["apple_mail", "outlook", "gmail_app", "thunderbird", "other"],
    "direction": ["receive", "send", "both"],
    "carrier": ["docomo", "au", "softbank", "rakuten", "other"],
    "fetch_mode": ["push", "fetch", "manual"],
    "spf_result": AUTH_RESULTS,
    "dkim_result": AUTH_RESULTS,
    "dmarc_result": AUTH_RESULTS,
    "dmarc_policy": ["none", "quarantine", "reject", "missing"],
}
NUMBERS = ["storage_percent_used", "smtp_port", "attachment_size_mb", "smtp_reply_code", "spf_dns_lookups", "dkim_key_bits"]
TEXTS = ["error_message", "enhanced_status_code"]
CAUSES = [
    "stale_credentials",
    "app_specific_password_required",
    "two_factor_code_delivery",
    "account_locked",
    "unauthorized_access",
    "storage_full",
    "push_unstable",
    "sync_period_limit",
    "folder_subscription_mismatch",
    "spam_misfiltered",
    "mail_rule_filter",
    "network_unstable",
    "dns_failure",
    "router_issue",
    "vpn_proxy_interference",
    "managed_network_restriction",
    "low_data_mode",
    "service_outage",
    "device_mail_settings",
    "mail_app_glitch",
    "os_update_glitch",
    "background_refresh_disabled",
    "android_battery_optimization",
    "third_party_server_settings",
    "smtp_auth_settings",
    "smtp_port_ssl",
    "sender_address_mismatch",
    "attachment_too_large",
    "carrier_spam_filter",
    "sender_authentication_missing",
    "spf_too_many_lookups",
    "dkim_key_weak",
    "sender_reputation",
    "rate_limited",
    "invalid_recipients",
    "sending_limit_exceeded",
    "terms_not_accepted",
]
SYMPTOMS = [
    "cannot_get_mail",
    "cannot_connect_server",
    "reenter_password",
    "password_incorrect",
    "cannot_send",
    "smtp_auth_failed",
    "some_mail_missing",
    "not_in_inbox",
    "suddenly_stopped_receiving",
    "attachment_mail_missing",
    "message_too_large",
    "delayed_delivery",
    "verification_code_not_received",
    "account_locked",
    "bounce_temporary",
    "bounce_permanent",
    "marked_as_spam",
    "suspicious_signin",
]


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.mark.parametrize("ident", BOOLEAN)
def test_boolean_observations(kb, ident):
    assert kb.observations[ident]["type"] == "boolean"
    assert not kb.observations[ident].get("derived")


@pytest.mark.parametrize(("ident", "values"), ENUMS.items())
def test_enum_observations_have_exactly_the_contract_values(kb, ident, values):
    observation = kb.observations[ident]
    assert observation["type"] == "enum"
    assert [v["value"] for v in observation["values"]] == values


def test_number_text_and_list_observations(kb):
    for ident in NUMBERS:
        assert kb.observations[ident]["type"] == "number", ident
    for ident in TEXTS:
        assert kb.observations[ident]["type"] == "text", ident
    assert kb.observations["symptoms"]["type"] == "symptom_list"
    assert (kb.observations["storage_percent_used"]["minimum"], kb.observations["storage_percent_used"]["maximum"]) == (0, 100)


def test_core_causes_and_symptoms_exist(kb):
    assert set(CAUSES) <= set(kb.causes)
    assert set(SYMPTOMS) <= set(kb.symptoms)


def test_every_cause_remedy_and_message_is_sourced(kb):
    for kind in ("cause", "remedy", "symptom"):
        for ident, entity in kb.entities[kind].items():
            assert entity.get("sources"), f"{kind}:{ident}"
    for symptom in kb.symptoms.values():
        for message in symptom.get("messages") or ():
            assert message["status"] in ("attested", "translation", "reported") and message["sources"]
