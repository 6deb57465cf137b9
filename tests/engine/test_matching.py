"""error_message → symptoms after normalisation (docs/engine-semantics.md §2)."""

from __future__ import annotations

import pytest

from mailkb.matching import matcher_for, normalize


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("メールを取得できません", ["cannot_get_mail"]),
        ("ﾒｰﾙを取得できません", ["cannot_get_mail"]),  # half-width katakana
        ("メールを 取得 できません。", ["cannot_get_mail"]),  # spaces and punctuation
        ("cannot get mail", ["cannot_get_mail"]),  # case
        ("CANNOT GET MAIL!", ["cannot_get_mail"]),
        ("サーバへの接続に失敗しました。", ["cannot_connect_server"]),  # long-vowel mark
        ("サーバーへの接続に失敗しました", ["cannot_connect_server"]),
        ("iPhoneで「サーバーに接続できません」と出ます。昨日から。", ["cannot_connect_server"]),  # pasted with text around it
        ("IMAPアカウント“iCloud”のパスワードを入力してください", ["reenter_password"]),
        ("IMAPアカウント“仕事用メール”のパスワードを入力してください", ["reenter_password"]),  # another account name in quotes
        ('IMAPアカウント"Gmail"のパスワードを入力してください', ["reenter_password"]),
        ("IMAPアカウント「iCloud」のパスワードを入力してください", ["reenter_password"]),
        ("IMAPアカウント“iCloud”のパスワードを入力してください", ["reenter_password"]),
        ("Your Apple Account or password is incorrect.", ["password_incorrect"]),  # Apple ID = Apple Account
        ("your apple id or password is incorrect", ["password_incorrect"]),
        ("Apple IDまたはパスワードが正しくありません", ["password_incorrect"]),
        ("パスワードを再入力", ["reenter_password"]),  # a search phrase
        ("まったく関係のない文章です", []),
        ("", []),
        ("。。。", []),
    ],
)
def test_messages(basic_kb, message, expected):
    assert matcher_for(basic_kb).match(message) == expected


def test_normalize_forms():
    plain, placeholder = normalize("IMAPアカウント“iCloud”のパスワード")
    assert plain == "imapアカウントicloudのパスワド"
    assert placeholder == "imapアカウント\ue000のパスワド"
    assert normalize("ユーザ名")[0] == normalize("ユーザー名")[0]
    assert normalize("Apple ID")[0] == normalize("apple account")[0]
