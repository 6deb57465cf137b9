"""The search regression: queries typed the way people type them, each with the page that must be in the top 3.

Written by hand from the knowledge base's symptoms and causes (not from the search's output). The forms: Japanese
compounds and katakana, sentences with particles, the long-vowel variant 「サーバー」, full-width letters, alerts pasted
whole (title and body on two lines, with the account name in curly quotes), English in both sites. Pages are named
without the /en prefix; an English query is run on the English site.
"""

from __future__ import annotations

from typing import NamedTuple


class SearchCase(NamedTuple):
    lang: str
    query: str
    page: str  # the page that must be among the first three results
    form: str  # what kind of typing it stands for
    also: tuple[str, ...] = ()  # another page that answers the query as well (rare: both are named in the test)


CASES: list[SearchCase] = [
    # whole sentences with particles, as typed into a phone
    SearchCase("ja", "メールを取得できません", "/symptoms/cannot_get_mail/", "alert title"),
    SearchCase("ja", "メールを送信できません", "/symptoms/cannot_send/", "alert title"),
    SearchCase("ja", "パスワードを何度も聞かれる", "/symptoms/reenter_password/", "sentence"),
    SearchCase("ja", "iPhoneでパスワードの入力を何回も求められる", "/symptoms/reenter_password/", "sentence"),
    SearchCase("ja", "確認コードが届かない", "/symptoms/verification_code_not_received/", "sentence"),
    SearchCase("ja", "急にメールが届かなくなった", "/symptoms/suddenly_stopped_receiving/", "sentence"),
    SearchCase("ja", "特定の人からのメールだけ届かない", "/symptoms/some_mail_missing/", "sentence"),
    SearchCase("ja", "必要なメールが迷惑メールフォルダに入ってしまう", "/symptoms/marked_as_spam/", "sentence"),
    SearchCase("ja", "メールが届いているのに通知が来ない", "/symptoms/not_notified/", "sentence"),
    SearchCase("ja", "添付ファイルが大きすぎて送れない", "/symptoms/message_too_large/", "sentence"),
    SearchCase("ja", "写真を添付したメールだけ届かない", "/symptoms/attachment_mail_missing/", "sentence"),
    SearchCase("ja", "アプリを開くまでメールが来ない", "/symptoms/delayed_delivery/", "sentence"),
    SearchCase("ja", "メールが来ない", "/symptoms/cannot_get_mail/", "sentence", ("/symptoms/suddenly_stopped_receiving/",)),
    SearchCase("ja", "二段階認証のコードが来ない", "/symptoms/verification_code_not_received/", "sentence"),
    SearchCase("ja", "身に覚えのないサインイン通知が来た", "/symptoms/suspicious_signin/", "sentence"),
    SearchCase("ja", "受信はできるけど送信できない", "/symptoms/cannot_send/", "sentence"),
    # compounds, katakana and short keywords
    SearchCase("ja", "アカウントエラー", "/symptoms/account_error/", "katakana compound"),
    SearchCase("ja", "ネットワークオフライン", "/symptoms/mac_network_offline/", "katakana compound"),
    SearchCase("ja", "タイムアウト", "/symptoms/connection_timed_out/", "katakana"),
    SearchCase("ja", "ストレージ容量不足", "/causes/storage_full/", "compound"),
    SearchCase("ja", "アプリ用パスワード", "/remedies/generate_app_specific_password/", "compound"),
    SearchCase("ja", "SMTP認証エラー", "/symptoms/smtp_auth_failed/", "mixed compound"),
    SearchCase("ja", "ＳＭＴＰ認証", "/symptoms/smtp_auth_failed/", "full-width letters"),
    SearchCase("ja", "送信上限", "/causes/sending_limit_exceeded/", "compound", ("/symptoms/sending_limit_alert/",)),
    SearchCase("ja", "利用規約", "/symptoms/terms_prompt/", "compound"),
    SearchCase("ja", "ソフトバンク", "/carriers/softbank/", "katakana name"),
    SearchCase("ja", "ドコモ 迷惑メール設定", "/carriers/docomo/", "two keywords"),
    SearchCase("ja", "プッシュ フェッチ", "/causes/push_unstable/", "two keywords"),
    SearchCase("ja", "サーバーに接続できません", "/symptoms/cannot_connect_server/", "long-vowel variant"),
    SearchCase(
        "ja",
        "imap.mail.me.com ポート",
        "/reference/server_settings/",
        "host name",
        also=("/remedies/set_imap_server_settings/", "/causes/third_party_server_settings/"),  # each states the IMAP port
    ),
    SearchCase("ja", "550 5.1.1", "/symptoms/bounce_permanent/", "reply code"),
    # alerts pasted whole
    SearchCase("ja", "メールを取得できません\nサーバへの接続に失敗しました。", "/symptoms/cannot_connect_server/", "pasted two-line alert"),
    SearchCase(
        "ja",
        "メールを取得できません\n“iCloud”のユーザ名またはパスワードが正しくありません。",
        "/symptoms/password_incorrect/",
        "pasted two-line alert",
    ),
    SearchCase(
        "ja",
        "メールを送信できません\n送信サーバ“smtp.mail.me.com”への接続に失敗しました。",
        "/symptoms/outgoing_server_failed/",
        "pasted two-line alert",
    ),
    SearchCase("ja", "IMAPアカウント“iCloud”のパスワードを入力してください", "/symptoms/reenter_password/", "pasted prompt"),
    SearchCase("ja", "この Apple ID はセキュリティ上の理由でロックされています", "/symptoms/account_locked/", "pasted alert"),
    SearchCase("en", "Cannot Get Mail\nThe connection to the server failed.", "/symptoms/cannot_connect_server/", "pasted two-line alert"),
    SearchCase(
        "en",
        "The mail server “iCloud” is not responding. Verify that you have entered the correct account info in Mail settings.",
        "/symptoms/server_not_responding/",
        "pasted alert",
    ),
    # English
    SearchCase("en", "Cannot Get Mail", "/symptoms/cannot_get_mail/", "alert title"),
    SearchCase("en", "can't send email", "/symptoms/cannot_send/", "sentence"),
    SearchCase("en", "can't receive email", "/symptoms/cannot_get_mail/", "sentence", ("/symptoms/suddenly_stopped_receiving/",)),
    SearchCase("en", "icloud mail down", "/causes/service_outage/", "keywords"),
    SearchCase("en", "mail keeps asking for my password", "/symptoms/reenter_password/", "sentence"),
    SearchCase("en", "verification code not received", "/symptoms/verification_code_not_received/", "phrase"),
    SearchCase("en", "icloud storage full", "/causes/storage_full/", "phrase"),
    SearchCase("en", "app-specific password", "/remedies/generate_app_specific_password/", "hyphenated term"),
    SearchCase("en", "emails going to junk", "/symptoms/marked_as_spam/", "phrase"),
    SearchCase("en", "SMTP port 587", "/remedies/set_smtp_port_587_starttls/", "keywords"),
    SearchCase("en", "docomo blocks icloud mail", "/causes/carrier_spam_filter/", "sentence"),
    SearchCase("en", "stopped receiving email suddenly", "/symptoms/suddenly_stopped_receiving/", "sentence"),
]

# query -> whether its page was in the top 3 (filled by test_search.py, printed by conftest.py's summary hook)
SCOREBOARD: dict[str, bool] = {}
