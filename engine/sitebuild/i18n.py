"""The site's two languages: URL prefixes, interface strings and labels for the knowledge base's enums."""

from __future__ import annotations

from typing import Any

LANGS = ("ja", "en")
PREFIX = {"ja": "", "en": "/en"}

UI: dict[str, dict[str, str]] = {
    "site_name": {"ja": "iCloud メール トラブル解決ガイド", "en": "iCloud Mail Troubleshooting"},
    "tagline": {
        "ja": "表示されたメッセージから原因と直し方を探せます。",
        "en": "Find the cause and the fix from the message you see.",
    },
    "skip": {"ja": "本文へ移動", "en": "Skip to content"},
    "home": {"ja": "ホーム", "en": "Home"},
    "search": {"ja": "検索", "en": "Search"},
    "diagnose": {"ja": "診断ウィザード", "en": "Diagnosis wizard"},
    "language": {"ja": "English", "en": "日本語"},
    "language_label": {"ja": "Read this page in English", "en": "このページを日本語で読む"},
    "symptom": {"ja": "症状", "en": "Symptoms"},
    "cause": {"ja": "原因", "en": "Causes"},
    "remedy": {"ja": "対処", "en": "Remedies"},
    "observation": {"ja": "確認項目", "en": "Observations"},
    "platform": {"ja": "端末・環境", "en": "Platforms"},
    "carrier": {"ja": "携帯キャリア", "en": "Carriers"},
    "guide": {"ja": "ガイド", "en": "Guides"},
    "reference": {"ja": "参考資料", "en": "Reference"},
    "areas": {"ja": "分野別", "en": "By area"},
    "stages": {"ja": "段階別", "en": "By stage"},
    "tables": {"ja": "早見表", "en": "Tables"},
    "messages": {"ja": "表示されるメッセージ", "en": "Messages shown"},
    "badge_confirmed": {"ja": "表示を確認済み", "en": "Wording confirmed"},
    "badge_confirmed_other": {"ja": "英語の表示を確認済み（日本語は未確認）", "en": "Japanese wording confirmed (English not checked)"},
    "badge_reported": {"ja": "報告のみ（未確認）", "en": "Reported only (not checked)"},
    "badge_translation": {"ja": "英語の表示からの訳（日本語は未確認）", "en": "Translated from the English wording"},
    "attested_help": {
        "ja": "「表示を確認済み」は Apple の資料や OS 自体でこの言語の文言を確かめたもの、「英語の表示を確認済み」は英語の文言だけを確かめたもの、「英語の表示からの訳」は確かめた英語の文言をこのサイトで訳したもの、「報告のみ」はほかの人の引用でしか知られていないものです。",
        "en": "“Wording confirmed”: seen in this language in Apple's text or the OS itself. “Japanese wording confirmed”: only the Japanese was checked. “Reported only”: known only from others' quotes.",
    },
    "first_checks": {"ja": "まず試すこと", "en": "Try these first"},
    "first_checks_note": {
        "ja": "この症状だけから、直る見込みが高く手早いものの順に並べています。ほかに分かっていることがあれば、診断ウィザードで絞り込めます。",
        "en": "Ordered from this symptom alone: the likeliest and quickest fixes first. If you know more, narrow it down in the wizard.",
    },
    "narrow_down": {"ja": "診断ウィザードで絞り込む", "en": "Narrow it down in the wizard"},
    "irreversible": {"ja": "元に戻せません", "en": "cannot be undone"},
    "reasoning": {"ja": "判定の根拠", "en": "How this is decided"},
    "reasoning_intro": {
        "ja": "この症状から各原因を考える判定ルールと、その条件・重み・出典です。重みは、その条件がそろったときにどれだけその原因を疑うかを表します。",
        "en": "The rules that lead from this symptom to each cause, with their conditions, weights and sources. A weight says how strongly the cause is suspected when its conditions hold.",
    },
    "messages_verified": {"ja": "メッセージの文言の確認状況", "en": "How the messages were verified"},
    "more_causes": {"ja": "ほかの条件がそろうと考えられる原因", "en": "Causes that need more to go on"},
    "platforms_label": {"ja": "表示される端末", "en": "Shown on"},
    "likely_causes": {"ja": "考えられる原因", "en": "Likely causes"},
    "when": {"ja": "条件", "en": "When"},
    "weight": {"ja": "重み", "en": "Weight"},
    "alone": {"ja": "この症状だけで", "en": "From this symptom alone"},
    "conditional": {"ja": "ほかの条件がそろうと", "en": "With further evidence"},
    "because": {"ja": "理由", "en": "Why"},
    "remedies_in_order": {"ja": "直し方（この順に試します）", "en": "How to fix it (try in this order)"},
    "minutes": {"ja": "所要時間", "en": "Time"},
    "min": {"ja": "分", "en": "min"},
    "side_effects": {"ja": "影響", "en": "Side effects"},
    "reversible": {"ja": "元に戻せる", "en": "Reversible"},
    "yes": {"ja": "はい", "en": "yes"},
    "no": {"ja": "いいえ", "en": "no"},
    "steps": {"ja": "手順", "en": "Steps"},
    "verify": {"ja": "直ったかの確かめ方", "en": "How to verify"},
    "stage_label": {"ja": "段階", "en": "Stage"},
    "area_label": {"ja": "分野", "en": "Area"},
    "advice_label": {"ja": "助言の位置づけ", "en": "Standing of the advice"},
    "sources": {"ja": "出典", "en": "Sources"},
    "related": {"ja": "関連項目", "en": "Related"},
    "fixes": {"ja": "この対処で直る原因", "en": "Causes this fixes"},
    "shown_by": {"ja": "この原因が疑われる症状", "en": "Symptoms that point here"},
    "suspected_when": {"ja": "この原因が疑われる条件", "en": "When this cause is suspected"},
    "ruled_out_when": {"ja": "この原因が除外される条件", "en": "When this cause is ruled out"},
    "seed_correction": {"ja": "よく見かける解説との違い", "en": "Where common advice differs"},
    "details": {"ja": "詳しく", "en": "Details"},
    "question": {"ja": "質問", "en": "Question"},
    "how_to_check": {"ja": "確かめ方", "en": "How to find out"},
    "type": {"ja": "種類", "en": "Type"},
    "values": {"ja": "選択肢", "en": "Values"},
    "used_by_rules": {"ja": "この項目を使う判定", "en": "Rules that use this"},
    "settings": {"ja": "設定", "en": "Settings"},
    "path": {"ja": "場所", "en": "Where"},
    "recommended": {"ja": "推奨", "en": "Recommended"},
    "note": {"ja": "補足", "en": "Note"},
    "known_issues": {"ja": "既知の問題", "en": "Known issues"},
    "workaround": {"ja": "回避策", "en": "Workaround"},
    "fix": {"ja": "解決策", "en": "Fix"},
    "versions": {"ja": "対象", "en": "Versions"},
    "steps_here": {"ja": "この端末での手順がある対処", "en": "Remedies with steps for this platform"},
    "messages_here": {"ja": "この端末で出るメッセージ", "en": "Messages on this platform"},
    "filter_service": {"ja": "フィルタサービス", "en": "Filter service"},
    "effect": {"ja": "効果", "en": "Effect"},
    "recommendation": {"ja": "推奨設定", "en": "Recommendation"},
    "blocks_icloud": {"ja": "iCloud のメールを止めるか", "en": "Blocks iCloud mail"},
    "allow_steps": {"ja": "icloud.com からのメールを許可する手順", "en": "How to allow mail from icloud.com"},
    "checks": {"ja": "確認項目", "en": "Checks"},
    "item": {"ja": "項目", "en": "Item"},
    "value": {"ja": "値", "en": "Value"},
    "status": {"ja": "状態", "en": "Status"},
    "label": {"ja": "項目", "en": "Item"},
    "action": {"ja": "やること", "en": "Action"},
    "priority": {"ja": "重要度", "en": "Priority"},
    "example": {"ja": "例", "en": "Example"},
    "updated": {"ja": "最終更新", "en": "Last updated"},
    "edit": {"ja": "このページの元データ（YAML）を編集", "en": "Edit this entry (YAML)"},
    "not_translated": {
        "ja": "この部分はまだ翻訳されていません。",
        "en": "This part has not been translated yet; the Japanese text is shown.",
    },
    "message_table": {"ja": "メッセージ別の原因と対処", "en": "Messages: causes and fixes"},
    "message_table_intro": {
        "ja": "表示されたメッセージ（または症状）ごとに、考えられる原因と最初に試す対処をまとめた表です。知識ベースの症状・判定ルール・原因・対処から生成しています。",
        "en": "For each message (or symptom): the likely causes and the first things to try. Generated from the knowledge base's symptoms, rules, causes and remedies.",
    },
    "isolation_matrix": {"ja": "切り分け表（三点比較）", "en": "Isolation matrix (three-way test)"},
    "isolation_intro": {
        "ja": "別の端末・別の回線・Web（iCloud.com）で結果を比べると、どこに原因があるかが分かります。知識ベースの判定ルールから生成しています。",
        "en": "Comparing another device, another network and the web (iCloud.com) shows where the problem lies. Generated from the knowledge base's rules.",
    },
    "check_sheet": {"ja": "チェックシート", "en": "Check sheet"},
    "check_sheet_intro": {
        "ja": "定期点検と最終確認のためのチェック項目です。知識ベースのチェックリストから生成しています。",
        "en": "Items for regular maintenance and the final check. Generated from the knowledge base's checklists.",
    },
    "message_or_symptom": {"ja": "表示/症状", "en": "Message / symptom"},
    "first_remedy": {"ja": "最初に試す対処", "en": "Try first"},
    "causes_and_first_steps": {"ja": "考えられる原因 → 最初に試す対処", "en": "Likely causes → what to try first"},
    "not_checked": {"ja": "未確認", "en": "not checked"},
    "value_superseded": {"ja": "以前の値", "en": "superseded"},
    "value_unverified": {"ja": "未確認の値", "en": "unverified"},
    "done": {"ja": "済", "en": "Done"},
    "or": {"ja": "または", "en": "or"},
    "to_do": {"ja": "やること・確認すること", "en": "What to do or check"},
    "conclusion": {"ja": "結論", "en": "Conclusion"},
    "conditions": {"ja": "観測結果", "en": "What you observed"},
    "derives": {"ja": "判定", "en": "Finding"},
    "findings": {"ja": "切り分けの結果から分かること", "en": "What the findings point to"},
    "suspects": {"ja": "疑う原因", "en": "Suspect"},
    "rules_out": {"ja": "除外", "en": "Rules out"},
    "not_found_title": {"ja": "ページが見つかりません", "en": "Page not found"},
    "not_found_body": {
        "ja": "お探しのページは見つかりませんでした。検索するか、症状の一覧から探してください。",
        "en": "We could not find that page. Try searching, or browse the list of symptoms.",
    },
    "search_label": {"ja": "メッセージやキーワードを入力", "en": "Type a message or keywords"},
    "search_placeholder": {"ja": "例：メールを取得できません", "en": "e.g. Cannot Get Mail"},
    "search_button": {"ja": "検索", "en": "Search"},
    "search_nojs": {
        "ja": "検索には JavaScript が必要です。JavaScript を使わない場合は、症状の一覧や早見表から探せます。",
        "en": "Search needs JavaScript. Without it, browse the list of symptoms or the tables.",
    },
    "diagnose_nojs": {
        "ja": "診断ウィザードには JavaScript が必要です。JavaScript を使わない場合は、直す順番のガイドや早見表をご覧ください。",
        "en": "The wizard needs JavaScript. Without it, follow the seven-step guide or the tables.",
    },
    "diagnose_intro": {
        "ja": "質問に答えると、考えられる原因と直す順番を示します。分からない質問はとばせます。すべてこのブラウザの中で処理され、入力内容はどこにも送信されません。",
        "en": "Answer the questions to see the likely causes and the order to fix things. Skip what you don't know. Everything runs in this browser; nothing you enter is sent anywhere.",
    },
    "wizard_area_question": {"ja": "どこで困っていますか？", "en": "Where is the problem?"},
    "wizard_area_help": {
        "ja": "いちばん近いものを選んでください。次に、その分野の症状を選びます。",
        "en": "Choose the closest one; next you pick the symptoms in that area.",
    },
    "wizard_symptoms_question": {"ja": "当てはまるものをすべて選んでください", "en": "Choose everything that applies"},
    "wizard_answer": {"ja": "回答する", "en": "Answer"},
    "wizard_dont_know": {"ja": "わからない", "en": "I don't know"},
    "wizard_other_area": {"ja": "ほかの分野を選ぶ", "en": "Choose another area"},
    "wizard_paste_title": {
        "ja": "または、表示されたメッセージ・エラー通知・ヘッダを貼り付ける",
        "en": "Or paste the message, the bounce or the headers",
    },
    "wizard_paste_help": {
        "ja": "画面に出た表示、戻ってきたメール（エラー通知）、受け取ったメールのヘッダのどれでも読み取れます。",
        "en": "An alert on the screen, a message that came back (a bounce), or the headers of a message you received.",
    },
    "wizard_paste_label": {"ja": "貼り付ける内容", "en": "Text to read"},
    "wizard_paste_privacy": {
        "ja": "貼り付けた内容はこのブラウザの中だけで読み取ります。どこにも送信せず、共有用のリンクにも含めません。",
        "en": "What you paste is read in this browser only: it is sent nowhere and is not part of the link to share.",
    },
    "wizard_paste_button": {"ja": "読み取る", "en": "Read it"},
    "wizard_loading": {"ja": "読み込んでいます…", "en": "Loading…"},
    "wizard_paste_link": {
        "ja": "戻ってきたメール（エラー通知）やヘッダは、診断ウィザードに貼り付けて読み取れます",
        "en": "Have a bounce or message headers? Paste them into the diagnosis wizard",
    },
    "all_entries": {"ja": "すべての項目", "en": "All entries"},
    "breadcrumb": {"ja": "現在位置", "en": "Breadcrumb"},
    "main_nav": {"ja": "メインメニュー", "en": "Main menu"},
    "footer_note": {
        "ja": "この内容は Apple の公式資料などの出典に基づいています。Apple とは関係のない非公式のガイドです。",
        "en": "This content is based on Apple's documentation and other cited sources. It is an unofficial guide, not affiliated with Apple.",
    },
    "api": {"ja": "データ（JSON）", "en": "Data (JSON)"},
    "start_here": {"ja": "まずはここから", "en": "Start here"},
    "home_heading": {"ja": "表示されたメッセージから原因と直し方を探す", "en": "Find the cause and the fix from the message you see"},
    "home_search_label": {
        "ja": "メッセージやキーワードを入力（表示されたメッセージをそのまま貼り付けても探せます）",
        "en": "Type a message or keywords (or paste the alert as it is)",
    },
    "common_symptoms": {"ja": "よくある症状", "en": "Common problems"},
    "frequency_basis": {"ja": "この並び順の根拠", "en": "Why this order"},
    "all_symptoms": {"ja": "すべての症状（分野別）", "en": "All symptoms, by area"},
    "wizard_cta": {"ja": "質問に答えて原因を絞り込む", "en": "Answer a few questions to narrow it down"},
    "more_ways": {"ja": "ほかの探し方", "en": "Other ways in"},
    "browse": {"ja": "一覧から探す", "en": "Browse"},
    "none": {"ja": "なし", "en": "None"},
    "source_kind_official": {"ja": "公式", "en": "official"},
    "source_kind_third_party": {"ja": "第三者", "en": "third party"},
    "source_kind_community": {"ja": "コミュニティ", "en": "community"},
    "remedies_at_stage": {"ja": "この段階の対処", "en": "Remedies at this stage"},
    "in_area": {"ja": "この分野の項目", "en": "Entries in this area"},
    "any_platform": {"ja": "共通", "en": "Any"},
    "derived_fact": {"ja": "判定で導かれる項目", "en": "Derived by rules"},
    "cost": {"ja": "確認にかかる時間", "en": "Time to find out"},
    "group": {"ja": "分類", "en": "Group"},
    "unit": {"ja": "単位", "en": "Unit"},
}

AREAS = {
    "receive": {"ja": "受信", "en": "Receiving"},
    "send": {"ja": "送信", "en": "Sending"},
    "connect": {"ja": "接続", "en": "Connection"},
    "auth": {"ja": "認証・サインイン", "en": "Sign-in and authentication"},
    "delivery": {"ja": "配信・到達", "en": "Delivery"},
    "security": {"ja": "セキュリティ", "en": "Security"},
}
AREA_HINTS = {  # what each area covers, in the words people use (the wizard's first question)
    "receive": {"ja": "メールが届かない・取得できない・通知が来ない", "en": "Mail doesn't arrive or can't be fetched; no notifications"},
    "send": {"ja": "メールを送信できない・送信サーバにつながらない", "en": "Can't send mail; the outgoing server fails"},
    "connect": {"ja": "サーバに接続できない・タイムアウト・SSL のエラー", "en": "Can't reach the server: timeouts, SSL errors, offline"},
    "auth": {
        "ja": "パスワードを何度も聞かれる・サインインできない・確認コードが届かない",
        "en": "Asked for the password again; can't sign in; no verification code",
    },
    "delivery": {"ja": "送ったメールがエラーで戻ってくる（バウンス）", "en": "Mail you sent comes back with an error (a bounce)"},
    "security": {"ja": "アカウントのロック・心当たりのないサインイン", "en": "Account locked, or a sign-in you don't recognise"},
}
STAGES = {
    "auth": {"ja": "1. 認証の見直し", "en": "1. Authentication"},
    "receive": {"ja": "2. 受信設定", "en": "2. Receiving settings"},
    "network": {"ja": "3. ネットワーク", "en": "3. Network"},
    "send": {"ja": "4. 送信設定", "en": "4. Sending settings"},
    "device_os": {"ja": "5. 端末・OS", "en": "5. Device and OS"},
    "support": {"ja": "6. 相談", "en": "6. Getting help"},
}
PLATFORMS = {
    "iphone": {"ja": "iPhone", "en": "iPhone"},
    "ipad": {"ja": "iPad", "en": "iPad"},
    "mac": {"ja": "Mac", "en": "Mac"},
    "android": {"ja": "Android", "en": "Android"},
    "windows": {"ja": "Windows", "en": "Windows"},
    "web": {"ja": "Web（iCloud.com）", "en": "Web (iCloud.com)"},
    "any": {"ja": "共通", "en": "Any platform"},
}
ADVICE = {
    "official": {"ja": "Apple などの公式の案内", "en": "Official guidance"},
    "workaround": {"ja": "回避策（公式の解決策ではありません）", "en": "Workaround (not the official fix)"},
    "third_party": {"ja": "第三者の情報", "en": "Third-party advice"},
    "seed_only": {"ja": "解説記事のみの情報（公式の裏付けなし）", "en": "Only a popular article says so (no official source)"},
}
BLOCKS = {"yes": {"ja": "止める", "en": "yes"}, "no": {"ja": "止めない", "en": "no"}, "sometimes": {"ja": "場合による", "en": "sometimes"}}
PRIORITY = {"high": {"ja": "高", "en": "high"}, "medium": {"ja": "中", "en": "medium"}, "low": {"ja": "低", "en": "low"}}
UNITS = {
    "percent": {"ja": "%", "en": "%"},
    "mb": {"ja": "MB", "en": "MB"},
    "count": {"ja": "件", "en": ""},
    "code": {"ja": "", "en": ""},
    "port": {"ja": "", "en": ""},
    "bits": {"ja": "ビット", "en": "bits"},
    "minutes": {"ja": "分", "en": "min"},
}
GROUPS = {
    "message": {"ja": "メッセージ", "en": "Message"},
    "context": {"ja": "状況", "en": "Context"},
    "isolation": {"ja": "切り分け", "en": "Isolation"},
    "network": {"ja": "ネットワーク", "en": "Network"},
    "device": {"ja": "端末", "en": "Device"},
    "auth": {"ja": "認証", "en": "Authentication"},
    "receive": {"ja": "受信", "en": "Receiving"},
    "send": {"ja": "送信", "en": "Sending"},
    "delivery": {"ja": "配信", "en": "Delivery"},
    "derived": {"ja": "判定", "en": "Derived"},
}
LABELS = {
    "area": AREAS,
    "area_hint": AREA_HINTS,
    "stage": STAGES,
    "platform": PLATFORMS,
    "advice": ADVICE,
    "blocks": BLOCKS,
    "priority": PRIORITY,
    "unit": UNITS,
    "group": GROUPS,
}


def text(value: Any, lang: str) -> str:
    """The text of a localized value in `lang` (falling back to Japanese, then to any string)."""
    if isinstance(value, dict):
        got = value.get(lang) or value.get("ja") or value.get("en")
        return got if isinstance(got, str) else ""
    if value is None:
        return ""
    return str(value)


def untranslated(value: Any, lang: str) -> bool:
    """Whether `value` has no text in `lang` and falls back to the other language."""
    return isinstance(value, dict) and not value.get(lang) and bool(value.get("ja") or value.get("en"))


def ui(key: str, lang: str) -> str:
    """An interface string."""
    return text(UI.get(key, {"ja": key, "en": key}), lang)


def label(table: str, key: Any, lang: str) -> str:
    """The label of an enum value (area, stage, platform …), or the value itself. A label a language leaves
    empty stays empty (English writes a count without a unit: "10", not "10 件")."""
    labels = LABELS.get(table, {}).get(key)
    if isinstance(labels, dict) and lang in labels:
        return labels[lang]
    return text(labels, lang) or str(key)
