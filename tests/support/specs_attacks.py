"""The attack mails, one function per class (make_attacks.py writes them)."""

from __future__ import annotations

from support.advmail import (
    ALEX,
    EMMA,
    HANAKO,
    HOME,
    TARO,
    Spec,
    amazon_mail,
    auth_results,
    dkim_signature,
    encoded_word,
    exchange_headers,
    header_text,
    hop,
    m365_auth,
    mail,
    mailbox,
    own_auth,
    page,
    token,
)

# ---------------------------------------------------------------------------------------------
# 1. sender tricks: the address the user sees is not the one that sent the mail
# ---------------------------------------------------------------------------------------------

def _ja_lock_text(url: str, name: str = "山田 太郎") -> str:
    return (f"{name} 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n"
            "お客様のアカウントで普段と異なるログインが確認されたため、安全のためアカウントを一時的にロックいたしました。\n"
            "24時間以内に下記よりご本人様確認を完了してください。確認が取れない場合、アカウントは停止されます。\n\n"
            f"▼ アカウントを確認する\n{url}\n\n"
            f"※このメールは送信専用アドレスから配信されています。\n\nAmazon.co.jp カスタマーサービス\n")


def _en_payment_text(url: str, name: str = "Alex") -> str:
    return (f"Hello {name},\n\nWe were unable to charge your default payment method for your recent order, and your "
            "account has been placed on hold.\n\nTo keep using Amazon and avoid cancellation of open orders, update your "
            f"payment information within 48 hours:\n\n{url}\n\nWe appreciate your prompt attention.\n\nAmazon.com\n")


def sender_tricks() -> list[Spec]:
    d = "sender_tricks/"
    out: list[Spec] = []
    evil, ip = "evil-shop.example", "198.51.100.23"
    url = f"https://secure.{evil}/member/verify?session={token('s01', 24)}"
    out.append(mail(
        d + "display-name-is-address-quoted-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=f'"account-update@amazon.co.jp" <info@{evil}>', subject="【重要】アカウントを一時的にロックしました",
        date="Mon, 03 Mar 2025 08:14:52 +0900", host=f"mail.{evil}", ip=ip, return_path=f"bounce@{evil}",
        ar=[own_auth(evil, f"bounce@{evil}", ip)], dkim=[evil],
        hops=[hop("localhost", f"mail.{evil}", "s01", "Mon, 03 Mar 2025 08:14:50 +0900")],
        text=_ja_lock_text(url),
        html=page(["山田 太郎 様", "Amazon.co.jp をご利用いただき、ありがとうございます。",
                   "お客様のアカウントで普段と異なるログインが確認されたため、安全のためアカウントを一時的にロックいたしました。",
                   "24時間以内にご本人様確認を完了してください。"], button=(url, "アカウントを確認する"),
                  footer="Amazon.co.jp カスタマーサービス")))
    evil2, ip2 = "evil-shop.example", "198.51.100.24"
    url = f"https://billing.{evil2}/account/payments?ref=hold&u={token('s02', 10)}"
    out.append(mail(
        d + "display-name-is-address-unquoted-en-payment.eml", "verdict=phishing; kind=payment",
        frm=f"account-update@amazon.com <billing@{evil2}>", subject="Action required: your payment was declined",
        date="Tue, 14 Jan 2025 17:02:11 -0500", host=f"smtp2.{evil2}", ip=ip2, return_path=f"billing@{evil2}", to=ALEX,
        ar=[own_auth(evil2, f"billing@{evil2}", ip2)], dkim=[evil2], text=_en_payment_text(url),
        html=page(["Hello Alex,", "We were unable to charge your default payment method for your recent order, and your "
                   "account has been placed on hold.", "Update your payment information within 48 hours."],
                  button=(url, "Update payment method"), lang="en", footer="Amazon.com")))
    sup, ip3 = "kaiin-support.example", "203.0.113.61"
    url = f"https://{sup}/signin/check?id={token('s03', 16)}"
    out.append(mail(
        d + "display-name-is-encoded-address-ja-signin.eml", "verdict=phishing; kind=security",
        frm=f"{encoded_word('no-reply@amazon.co.jp')} <notice@{sup}>", subject="サインインの試行を検出しました",
        date="Sat, 19 Apr 2025 23:41:07 +0900", host=f"out1.{sup}", ip=ip3, return_path=f"notice@{sup}", to=HANAKO,
        ar=[own_auth(sup, f"notice@{sup}", ip3)], dkim=[sup],
        text=("佐藤 花子 様\n\nお客様のアカウントに、新しい端末からのサインインがありました。\n\n日時: 2025/04/19 23:32\n"
              "端末: Windows / Chrome\n場所: 大阪府 付近\n\nお心当たりがない場合は、直ちに下記からパスワードを変更し、"
              f"お支払い情報をご確認ください。\n{url}\n\nAmazon.co.jp\n")))
    notice, ip4 = "shop-notice.example", "198.51.100.90"
    url = f"https://www.{notice}/cs/order-hold?case={token('s04', 12, '0123456789')}"
    out.append(mail(
        d + "display-name-address-plus-words-ja.eml", "verdict=phishing; kind=account_lock",
        frm=f"{encoded_word('Amazon.co.jp <no-reply@amazon.co.jp> カスタマーサービス')} <cs@{notice}>",
        subject="お客様の Amazon アカウント 返信のお願い", date="Thu, 12 Jun 2025 10:05:33 +0900",
        host=f"mta.{notice}", ip=ip4, return_path=f"cs@{notice}", ar=[own_auth(notice, f"cs@{notice}", ip4)], dkim=[notice],
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\nお客様のアカウントで異常なお支払いが確認されたため、"
              "ご注文とアカウントへのアクセスを保留しております。\n下記ページより請求先情報を確認してください。"
              f"確認が取れ次第、保留を解除いたします。\n\n{url}\n\nアカウントスペシャリスト\nAmazon.co.jp\n"),
        html=page(["Amazon.co.jp をご利用いただき、ありがとうございます。",
                   "お客様のアカウントで異常なお支払いが確認されたため、ご注文とアカウントへのアクセスを保留しております。",
                   "下記ページより請求先情報を確認してください。"], button=(url, "請求先情報を確認"),
                  footer="アカウントスペシャリスト / Amazon.co.jp")))
    review, ip5 = "acct-review.example", "203.0.113.140"
    url = f"https://{review}/r/{token('s05', 22)}"
    out.append(mail(
        d + "display-name-address-in-parentheses-en-security.eml", "verdict=phishing; kind=security",
        frm=f'"Amazon Security (security-alert@amazon.com)" <alerts@{review}>',
        subject="Security alert: sign-in from a new device", date="Wed, 02 Jul 2025 04:48:19 +0000",
        host=f"mx-out.{review}", ip=ip5, return_path=f"alerts@{review}", to=ALEX, ar=[own_auth(review, f"alerts@{review}", ip5)],
        dkim=[review],
        text=("Hello,\n\nSomeone signed in to your Amazon account from a device we don't recognize.\n\nWhen: July 2, 2025 "
              "04:31 UTC\nDevice: Android 14, Chrome\nNear: Lagos, Nigeria\n\nIf this wasn't you, secure your account now "
              f"and review your recent orders:\n{url}\n\nAmazon Customer Service\n"),
        html=page(["Hello,", "Someone signed in to your Amazon account from a device we don't recognize.",
                   "<b>When:</b> July 2, 2025 04:31 UTC<br><b>Device:</b> Android 14, Chrome<br><b>Near:</b> Lagos, Nigeria",
                   "If this wasn't you, secure your account now."], button=(url, "Secure my account"), lang="en",
                  footer="Amazon Customer Service")))
    url = f"https://{evil}/jp/kakunin?u={token('s06', 18)}"
    out.append(mail(
        d + "two-addresses-in-from-amazon-first-ja.eml", "verdict=phishing; kind=payment",
        frm=f"{mailbox('Amazon.co.jp', 'no-reply@amazon.co.jp')}, <info@{evil}>",
        subject="お支払い方法の更新をお願いします", date="Fri, 08 Aug 2025 12:30:00 +0900", host=f"mail.{evil}", ip=ip,
        return_path=f"bounce@{evil}", ar=[own_auth(evil, f"bounce@{evil}", ip)], dkim=[evil],
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\nご登録のクレジットカードの有効期限が切れているため、"
              "プライム会費のお支払いができませんでした。\n3日以内にお支払い方法を更新してください。\n\n"
              f"お支払い方法を更新する:\n{url}\n\nAmazon.co.jp\n")))
    out.append(mail(
        d + "two-addresses-in-from-attacker-first-en.eml", "verdict=phishing; kind=account_lock",
        frm=f"<support@{evil}>, \"Amazon.com\" <account-update@amazon.com>",
        subject="Your account has been locked", date="Sun, 17 Aug 2025 09:12:44 -0400", host=f"mail.{evil}", ip=ip,
        return_path=f"support@{evil}", to=ALEX, ar=[own_auth(evil, f"support@{evil}", ip)], dkim=[evil],
        text=("Dear Customer,\n\nYour Amazon account has been locked because we detected unusual activity. "
              "To restore access, verify your identity within 24 hours:\n\n"
              f"https://{evil}/restore?case={token('s07', 10, '0123456789')}\n\nAmazon.com\n")))
    url = f"https://{evil}/service/confirm?k={token('s08', 20)}"
    out.append(mail(
        d + "group-syntax-from-amazon-only-ja.eml", "verdict=phishing; kind=account_lock",
        frm="Amazon: account@amazon.co.jp;", sender=f"<info@{evil}>",
        subject="【Amazon】アカウント情報の確認が必要です", date="Tue, 23 Sep 2025 06:55:21 +0900", host=f"mail.{evil}",
        ip=ip, return_path=f"info@{evil}",
        ar=[auth_results(spf=("pass", f"info@{evil}"), dkim=[("pass", evil)], dmarc=("none", "amazon.co.jp"), ip=ip)],
        dkim=[evil],
        text=("Amazon お客様\n\nお客様のアカウント情報に不備があるため、現在ご利用を制限しております。\n"
              f"以下のリンクより会員情報の確認を行ってください。\n{url}\n\n本日中に確認されない場合、アカウントは閉鎖されます。\n")))
    out.append(mail(
        d + "group-syntax-with-attacker-inside-en.eml", "verdict=phishing; kind=payment",
        frm=f"Amazon.com: account-update@amazon.com, billing@{evil};", subject="Your Prime membership payment failed",
        date="Mon, 06 Oct 2025 15:20:09 -0700", host=f"mail.{evil}", ip=ip, return_path=f"billing@{evil}", to=EMMA,
        ar=[own_auth(evil, f"billing@{evil}", ip)], dkim=[evil],
        text=("Hi Emma,\n\nWe couldn't process the payment for your Prime membership renewal. Your benefits will be "
              "suspended unless you update your card details.\n\n"
              f"https://{evil}/prime/billing?renew={token('s09', 12)}\n\nThanks,\nPrime Membership Team\n")))
    mall, ip6 = "secure-member.example", "203.0.113.77"
    url = f"https://{mall}/auth/login?continue=orders&t={token('s10', 14)}"
    out.append(mail(
        d + "comment-after-address-names-amazon-ja.eml", "verdict=phishing; kind=account_lock",
        frm=f"info@{mall} (amazon.co.jp)", subject="お客様のアカウントが停止されました",
        date="Wed, 15 Oct 2025 19:44:38 +0900", host=f"smtp.{mall}", ip=ip6, return_path=f"info@{mall}",
        ar=[own_auth(mall, f"info@{mall}", ip6)], dkim=[mall], text=_ja_lock_text(url, "お客様")))
    out.append(mail(
        d + "comment-as-display-name-ja.eml", "verdict=phishing; kind=payment",
        frm=f"(Amazon.co.jp) <x@{mall}>", subject="プライム会費のお支払いに問題があります",
        date="Thu, 16 Oct 2025 07:03:12 +0900", host=f"smtp.{mall}", ip=ip6, return_path=f"x@{mall}", to=HANAKO,
        ar=[own_auth(mall, f"x@{mall}", ip6)], dkim=[mall], cte="base64",
        text=("佐藤 花子 様\n\nAmazonプライム会費のお支払いに使用されたカードが承認されませんでした。\n"
              "特典のご利用を継続するには、48時間以内にお支払い方法を更新してください。\n\n"
              f"https://{mall}/prime/payment?m={token('s11', 16)}\n\nAmazonプライム\n")))
    out.append(mail(
        d + "trailing-comment-with-amazon-address-en.eml", "verdict=phishing; kind=account_lock",
        frm=f'"Amazon" <x@{mall}> (no-reply@amazon.com)', subject="Unusual activity: your account is on hold",
        date="Fri, 24 Oct 2025 11:58:40 +0000", host=f"smtp.{mall}", ip=ip6, return_path=f"x@{mall}", to=ALEX,
        ar=[own_auth(mall, f"x@{mall}", ip6)], dkim=[mall],
        html=page(["Hello,", "We noticed unusual activity on your Amazon account, so we placed it on hold and suspended "
                   "your pending orders.", "Please confirm your information within 24 hours to restore access."],
                  button=(f"https://{mall}/hold/review?c={token('s12', 12)}", "Restore access"), lang="en",
                  footer="Amazon.com, 410 Terry Ave N, Seattle, WA")))
    out.append(mail(
        d + "two-from-headers-amazon-first-ja.eml", "verdict=phishing; kind=account_lock",
        frm=[mailbox("Amazon.co.jp", "no-reply@amazon.co.jp"), f"<info@{evil}>"],
        subject="ご利用の Amazon.co.jp アカウントにつきまして", date="Sat, 01 Nov 2025 13:27:05 +0900", host=f"mail.{evil}",
        ip=ip, return_path=f"info@{evil}", ar=[own_auth(evil, f"info@{evil}", ip)], dkim=[evil],
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\n"
              "お客様のアカウントは、不正使用の疑いによりロックされています。\n"
              "ロックを解除するには、下記フォームからご本人様確認書類とカード情報をご提出ください。\n\n"
              f"https://{evil}/unlock/form?n={token('s13', 10, '0123456789')}\n\nAmazon.co.jp カスタマーサービス\n")))
    out.append(mail(
        d + "two-from-headers-attacker-first-en.eml", "verdict=phishing; kind=payment",
        frm=[f"<noreply@{evil}>", mailbox("Amazon.com", "account-update@amazon.com")],
        subject="Billing problem with your recent order", date="Sun, 02 Nov 2025 20:16:51 -0800", host=f"mail.{evil}",
        ip=ip, return_path=f"noreply@{evil}", to=EMMA, ar=[own_auth(evil, f"noreply@{evil}", ip)], dkim=[evil],
        text=_en_payment_text(f"https://{evil}/billing/fix?o={token('s14', 12)}", "Emma")))
    hide = "Amazon <no-reply@amazon.co.jp>"
    out.append(mail(
        d + "encoded-word-hides-angle-address-b-ja.eml", "verdict=phishing; kind=account_lock",
        frm=f"{encoded_word(hide)} <x@{evil}>", subject="アカウントがロックされました",
        date="Mon, 10 Nov 2025 06:02:18 +0900", host=f"mail.{evil}", ip=ip, return_path=f"x@{evil}",
        ar=[own_auth(evil, f"x@{evil}", ip)], dkim=[evil],
        text=_ja_lock_text(f"https://{evil}/ap/signin?lock={token('s15', 14)}")))
    out.append(mail(
        d + "encoded-word-hides-angle-address-q-en.eml", "verdict=phishing; kind=account_lock",
        frm=f"{encoded_word('Amazon.com <account-update@amazon.com>', how='Q')} <security@{review}>",
        subject="Your account has been suspended", date="Tue, 11 Nov 2025 14:40:02 +0000", host=f"mx-out.{review}",
        ip=ip5, return_path=f"security@{review}", to=ALEX, ar=[own_auth(review, f"security@{review}", ip5)], dkim=[review],
        text=("Hello,\n\nWe have suspended your Amazon account after several failed sign-in attempts. "
              f"Verify your identity within 24 hours to avoid permanent closure:\n{'https://' + review}/verify/"
              f"{token('s16', 18)}\n\nAmazon Account Services\n")))
    out.append(mail(
        d + "encoded-word-iso2022jp-hides-angle-address-ja.eml", "verdict=phishing; kind=payment",
        frm=f"{encoded_word('Amazon.co.jp カスタマーサービス <cs-reply@amazon.co.jp>', 'iso-2022-jp')} <support@{sup}>",
        subject="お支払い方法の確認のお願い", subject_charset="iso-2022-jp", date="Wed, 19 Nov 2025 09:09:09 +0900",
        host=f"out1.{sup}", ip=ip3, return_path=f"support@{sup}", ar=[own_auth(sup, f"support@{sup}", ip3)], dkim=[sup],
        charset="iso-2022-jp",
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\nご登録のお支払い方法が承認されませんでした。"
              "ご注文の商品を発送するため、以下よりお支払い方法を更新してください。\n\n"
              f"https://{sup}/payment/update?key={token('s17', 16)}\n\nAmazon.co.jp カスタマーサービス\n")))
    mailer = f"mailer.{evil}"
    out.append(mail(
        d + "sender-header-differs-no-dmarc-ja.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("Amazon.co.jp", "no-reply@amazon.co.jp"), sender=f"\"Mailer\" <bulk@{mailer}>",
        subject="【Amazon】アカウント一時停止のお知らせ", date="Thu, 27 Nov 2025 02:11:45 +0900", host=mailer, ip=ip,
        return_path=f"bulk@{mailer}", ar=[auth_results(spf=("pass", f"bulk@{mailer}"), dkim=[("pass", evil)], ip=ip)],
        dkim=[evil], text=_ja_lock_text(f"https://{evil}/amzn-verify/login?sid={token('s18', 20)}")))
    out.append(mail(
        d + "sender-header-differs-dmarc-pass-for-sender-en.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("Amazon.com", "account-update@amazon.com"), sender=f"<noreply@{evil}>",
        subject="Your account is on hold", date="Fri, 28 Nov 2025 18:31:27 -0500", host=f"mail.{evil}", ip=ip,
        return_path=f"noreply@{evil}", to=ALEX, ar=[own_auth(evil, f"noreply@{evil}", ip)], dkim=[evil],
        text=("Hello Alex,\n\nYour Amazon account is on hold due to a billing issue. Confirm your payment details within "
              f"24 hours to release your orders:\nhttps://{evil}/hold?r={token('s19', 12)}\n\nAmazon.com\n")))
    out.append(mail(
        d + "amazon-from-dmarc-pass-for-other-domain-ja.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("Amazon.co.jp", "account-update@amazon.co.jp"),
        subject="アカウントの利用を制限しました", date="Mon, 01 Dec 2025 07:45:00 +0900", host=f"mail.{evil}", ip=ip,
        return_path=f"bounce@{evil}", ar=[own_auth(evil, f"bounce@{evil}", ip)], dkim=[evil],
        text=_ja_lock_text(f"https://{evil}/secure/confirm?acc={token('s20', 12)}", "お客様"),
        html=page(["お客様", "Amazon.co.jp をご利用いただき、ありがとうございます。",
                   "お客様のアカウントで普段と異なるログインが確認されたため、アカウントの利用を制限しました。",
                   "24時間以内にご本人様確認を完了してください。"],
                  button=(f"https://{evil}/secure/confirm?acc={token('s20', 12)}", "確認する"),
                  footer="Amazon.co.jp カスタマーサービス")))
    out.append(mail(
        d + "amazon-from-dkim-pass-for-other-domain-en.eml", "verdict=phishing; kind=payment",
        frm=mailbox("Amazon.com", "payments-messages@amazon.com"),
        subject="Payment declined - update your billing information", date="Tue, 02 Dec 2025 10:10:10 -0800",
        host=f"mail.{evil}", ip=ip, return_path=f"bounce@{evil}", to=EMMA,
        ar=[auth_results(spf=("pass", f"bounce@{evil}"), dkim=[("pass", evil)], ip=ip)], dkim=[evil],
        text=_en_payment_text(f"https://{evil}/billing?x={token('s21', 12)}", "Emma")))
    out.append(mail(
        d + "display-name-fullwidth-at-sign-ja.eml", "verdict=phishing; kind=account_lock",
        frm=f"{encoded_word('account-update＠amazon.co.jp')} <info@{mall}>", subject="アカウントの一時停止について",
        date="Wed, 03 Dec 2025 21:30:00 +0900", host=f"smtp.{mall}", ip=ip6, return_path=f"info@{mall}", to=HANAKO,
        ar=[own_auth(mall, f"info@{mall}", ip6)], dkim=[mall],
        text=_ja_lock_text(f"https://{mall}/unlock?k={token('s22', 14)}", "佐藤 花子")))
    out.append(mail(
        d + "display-name-fullwidth-angle-brackets-ja.eml", "verdict=phishing; kind=payment",
        frm=f"{encoded_word('Amazon.co.jp ＜no-reply@amazon.co.jp＞')} <pay@{sup}>", subject="お支払いが承認されませんでした",
        date="Thu, 04 Dec 2025 06:12:40 +0900", host=f"out1.{sup}", ip=ip3, return_path=f"pay@{sup}",
        ar=[own_auth(sup, f"pay@{sup}", ip3)], dkim=[sup],
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\nご注文のお支払いが承認されませんでした。"
              f"お支払い方法を更新してください。\n{'https://' + sup}/wallet/update?r={token('s23', 12)}\n\nAmazon.co.jp\n")))
    out.append(mail(
        d + "quoted-local-part-holds-amazon-address-en.eml", "verdict=phishing; kind=account_lock",
        frm=f'"account-update@amazon.com"@{evil}', subject="Your account has been locked",
        date="Fri, 05 Dec 2025 13:45:21 +0000", host=f"mail.{evil}", ip=ip, return_path=f"bounce@{evil}", to=ALEX,
        ar=[own_auth(evil, f"bounce@{evil}", ip)], dkim=[evil],
        text=("Hello,\n\nYour Amazon account has been locked after unusual sign-in activity. Verify your identity within "
              f"24 hours to unlock it:\nhttps://{evil}/unlock?case={token('s24', 10, '0123456789')}\n\nAmazon.com\n")))
    out.append(mail(
        d + "obsolete-source-route-through-amazon-ja.eml", "verdict=phishing; kind=account_lock",
        frm=f"Amazon.co.jp <@amazon.co.jp:no-reply@{evil}>", subject="アカウントがロックされました",
        date="Sat, 06 Dec 2025 04:04:04 +0900", host=f"mail.{evil}", ip=ip, return_path=f"no-reply@{evil}",
        ar=[own_auth(evil, f"no-reply@{evil}", ip)], dkim=[evil],
        text=_ja_lock_text(f"https://{evil}/ap/verify?t={token('s25', 16)}")))
    return out


# ---------------------------------------------------------------------------------------------
# 2. the brand in katakana / hiragana only (no "Amazon" in Latin letters anywhere it matters)
# ---------------------------------------------------------------------------------------------

def katakana() -> list[Spec]:
    d = "katakana_brand/"
    out: list[Spec] = []
    care, ip = "member-care.example", "198.51.100.140"
    url = f"https://{care}/login/restore?id={token('k01', 18)}"
    out.append(mail(
        d + "katakana-display-name-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("アマゾン", f"support@{care}"), subject="【重要】アカウント停止のお知らせ",
        date="Tue, 04 Feb 2025 21:19:33 +0900", host=f"mail.{care}", ip=ip, return_path=f"support@{care}",
        ar=[own_auth(care, f"support@{care}", ip)], dkim=[care],
        text=("山田 太郎 様\n\nいつもアマゾンをご利用いただきありがとうございます。\n\n"
              "お客様のアカウントで第三者による不正アクセスの"
              "可能性が検出されたため、アカウントを停止いたしました。\n下記より24時間以内にご本人様確認をお願いいたします。\n\n"
              f"{url}\n\n期限を過ぎますと、アカウントは完全に削除されます。\n\nアマゾン カスタマーサービス\n"),
        html=page(["山田 太郎 様", "いつもアマゾンをご利用いただきありがとうございます。",
                   "お客様のアカウントで第三者による不正アクセスの可能性が検出されたため、アカウントを停止いたしました。",
                   "24時間以内にご本人様確認をお願いいたします。"], button=(url, "本人確認へ進む"),
                  footer="アマゾン カスタマーサービス")))
    kaiin, ip2 = "prime-kaiin.example", "203.0.113.18"
    url = f"https://www.{kaiin}/billing/update?mem={token('k02', 12, '0123456789')}"
    out.append(mail(
        d + "katakana-prime-subject-and-name-ja-payment.eml", "verdict=phishing; kind=payment",
        frm=mailbox("アマゾンプライム会員センター", f"info@{kaiin}"), subject="アマゾンプライム会費のお支払いに失敗しました",
        date="Sun, 16 Mar 2025 07:48:02 +0900", host=f"smtp.{kaiin}", ip=ip2, return_path=f"info@{kaiin}", to=HANAKO,
        ar=[own_auth(kaiin, f"info@{kaiin}", ip2)], dkim=[kaiin],
        text=("佐藤 花子 様\n\nアマゾンプライムの年会費 5,900円 のお支払いができませんでした。\nご登録のクレジットカードが"
              "承認されなかったため、プライム特典は一時停止されています。\n\n3日以内に以下のページでお支払い方法を更新してください。\n"
              f"{url}\n\nアマゾンプライム会員センター\n")))
    hank, ip3 = "kanri-center.example", "198.51.100.201"
    url = f"https://{hank}/kakunin/?uid={token('k03', 16)}"
    out.append(mail(
        d + "halfwidth-katakana-name-and-subject-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("ｱﾏｿﾞﾝ", f"no-reply@{hank}"), subject="ｱﾏｿﾞﾝ ｱｶｳﾝﾄ確認が必要です",
        date="Wed, 09 Apr 2025 03:22:10 +0900", host=f"mail.{hank}", ip=ip3, return_path=f"no-reply@{hank}",
        ar=[own_auth(hank, f"no-reply@{hank}", ip3)], dkim=[hank], cte="base64",
        text=("ｱﾏｿﾞﾝをご利用のお客様\n\nお客様のアカウントはセキュリティ上の理由によりロックされました。\n"
              f"ロックを解除するには、今すぐ下記URLからログインしてください。\n{url}\n\nｱﾏｿﾞﾝ ｻﾎﾟｰﾄ\n")))
    pay, ip4 = "kessai-center.example", "203.0.113.95"
    url = f"https://{pay}/card/renew?ref={token('k04', 14)}"
    out.append(mail(
        d + "hiragana-subject-ja-payment.eml", "verdict=phishing; kind=payment",
        frm=mailbox("会員サポート", f"support@{pay}"), subject="【あまぞん】お支払い方法を更新してください",
        date="Fri, 23 May 2025 12:00:41 +0900", host=f"out.{pay}", ip=ip4, return_path=f"support@{pay}",
        ar=[own_auth(pay, f"support@{pay}", ip4)], dkim=[pay],
        text=("あまぞん会員のお客様\n\nご登録いただいているクレジットカードの有効期限が切れております。\n"
              "ご注文の商品をお届けするため、お支払い方法を更新してください。\n\n"
              f"▼更新はこちら\n{url}\n\n48時間以内に更新されない場合、ご注文はキャンセルされます。\n")))
    cs, ip5 = "cs-desk.example", "198.51.100.45"
    url = f"https://{cs}/account/unlock?t={token('k05', 20)}"
    out.append(mail(
        d + "katakana-body-only-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("カスタマーセンター", f"center@{cs}"), subject="ご利用中のアカウントについて",
        date="Mon, 09 Jun 2025 16:37:25 +0900", host=f"mail.{cs}", ip=ip5, return_path=f"center@{cs}",
        ar=[own_auth(cs, f"center@{cs}", ip5)], dkim=[cs],
        text=("アマゾンをご利用のお客様へ\n\nお客様のアカウントがロックされました。\n\nご登録の情報に誤りがある可能性があるため、"
              "アカウントの利用を制限しております。下記のリンクから本人確認を完了すると、制限は解除されます。\n\n"
              f"{url}\n\n※本メールにお心当たりのない場合も、安全のため必ずご確認ください。\n"),
        html=page(["アマゾンをご利用のお客様へ", "<b>お客様のアカウントがロックされました。</b>",
                   "ご登録の情報に誤りがある可能性があるため、アカウントの利用を制限しております。"],
                  button=(url, "本人確認を完了する"))))
    sec, ip6 = "anshin-check.example", "203.0.113.202"
    url = f"https://{sec}/signin/verify?ses={token('k06', 18)}"
    out.append(mail(
        d + "fullwidth-spaced-katakana-and-fullwidth-latin-ja-signin.eml", "verdict=phishing; kind=security",
        frm=mailbox("ア　マ　ゾ　ン", f"security@{sec}"), subject="サインイン試行を検出しました",
        date="Thu, 17 Jul 2025 01:05:59 +0900", host=f"mx.{sec}", ip=ip6, return_path=f"security@{sec}", to=HANAKO,
        ar=[own_auth(sec, f"security@{sec}", ip6)], dkim=[sec],
        text=("ＡＭＡＺＯＮ セキュリティセンター\n\n佐藤 花子 様\n\n"
              "お客様のアカウントに、海外から不審なサインインの試行がありました。\n"
              "日時：2025年7月17日 00:51\n場所：ベトナム ハノイ\n\n"
              "ご本人でない場合は、ただちに下記からパスワードを再設定してください。\n"
              f"{url}\n")))
    jp, ip7 = "jp-service-desk.example", "198.51.100.66"
    url = f"https://{jp}/payment/kakunin?no={token('k07', 10, '0123456789')}"
    out.append(mail(
        d + "katakana-company-name-iso2022jp-ja-payment.eml", "verdict=phishing; kind=payment",
        frm=f"{encoded_word('アマゾンジャパン合同会社', 'iso-2022-jp')} <info@{jp}>", subject="お支払い情報の確認のお願い",
        subject_charset="iso-2022-jp", date="Sat, 26 Jul 2025 10:14:27 +0900", host=f"smtp.{jp}", ip=ip7,
        return_path=f"info@{jp}", ar=[own_auth(jp, f"info@{jp}", ip7)], dkim=[jp], charset="iso-2022-jp",
        text=("アマゾンジャパン合同会社よりお知らせ\n\nお客様のご注文について、お支払いを確認できませんでした。\n"
              "お手数ですが、下記のページでカード情報を再度ご入力ください。\n\n"
              f"{url}\n\n7月28日までにご対応がない場合、ご注文は自動的にキャンセルされます。\n")))
    dak, ip8 = "auto-renew.example", "203.0.113.33"
    url = f"https://{dak}/prime/card?c={token('k08', 15)}"
    out.append(mail(
        d + "katakana-with-separate-dakuten-ja-payment.eml", "verdict=phishing; kind=payment",
        frm=mailbox("アマソ゛ンプライム", f"info@{dak}"), subject="アマソ゛ンプライムの自動更新ができませんでした",
        date="Tue, 12 Aug 2025 08:08:08 +0900", host=f"mail.{dak}", ip=ip8, return_path=f"info@{dak}",
        ar=[own_auth(dak, f"info@{dak}", ip8)], dkim=[dak],
        text=("アマソ゛ンプライム会員様\n\nプライム会員の自動更新に失敗しました。お支払い方法が無効になっています。\n"
              f"会員資格を維持するには、以下からカード情報を更新してください。\n{url}\n")))
    unyu, ip9 = "takuhai-info.example", "198.51.100.171"
    url = f"https://{unyu}/redelivery?slip={token('k09', 12, '0123456789')}"
    out.append(mail(
        d + "katakana-delivery-fee-ja-shipping.eml", "verdict=phishing; kind=shipping",
        frm=mailbox("アマゾン配送センター", f"delivery@{unyu}"), subject="お荷物のお届けについて（再配達のご案内）",
        date="Wed, 03 Sep 2025 18:47:12 +0900", host=f"smtp.{unyu}", ip=ip9, return_path=f"delivery@{unyu}",
        ar=[own_auth(unyu, f"delivery@{unyu}", ip9)], dkim=[unyu],
        text=("アマゾンでご注文のお荷物をお届けにあがりましたが、ご不在のため持ち帰りました。\n\n"
              "お届け先住所に不備があるため、再配達には住所の確認と再配達手数料 330円 のお支払いが必要です。\n"
              f"保管期限は3日間です。\n\n再配達のお申し込み:\n{url}\n\nアマゾン配送センター\n")))
    half2, ip10 = "prime-support.example", "203.0.113.250"
    url = f"https://{half2}/member/login?lock={token('k10', 16)}"
    out.append(mail(
        d + "halfwidth-katakana-prime-name-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("ｱﾏｿﾞﾝﾌﾟﾗｲﾑ", f"noreply@{half2}"), subject="会員アカウントが一時停止されました",
        date="Sun, 21 Sep 2025 05:31:40 +0900", host=f"mx1.{half2}", ip=ip10, return_path=f"noreply@{half2}", to=HANAKO,
        ar=[own_auth(half2, f"noreply@{half2}", ip10)], dkim=[half2], cte="8bit",
        text=("佐藤 花子 様\n\nﾌﾟﾗｲﾑ会員アカウントが一時停止されました。\nお支払い情報に問題があるため、"
              f"本日中に下記よりログインし、情報を更新してください。\n{url}\n\nｱﾏｿﾞﾝﾌﾟﾗｲﾑ事務局\n")))
    return out


# ---------------------------------------------------------------------------------------------
# 3. talks AS Amazon from its own, fully authenticated domain, linking only to itself
#    (plus controls: third parties that write ABOUT Amazon and are not Amazon-looking mail)
# ---------------------------------------------------------------------------------------------

def own_domain() -> list[Spec]:
    d = "own_domain_impersonation/"
    out: list[Spec] = []
    care, ip = "shopping-care.example", "198.51.100.31"
    url = f"https://{care}/account/hold/review?cid={token('o01', 16)}"
    out.append(mail(
        d + "speaks-as-amazon-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("カスタマーサービス", f"support@{care}"), subject="お客様のアカウントは一時的に保留されています",
        date="Thu, 06 Feb 2025 09:41:12 +0900", host=f"mail.{care}", ip=ip, return_path=f"support@{care}",
        ar=[own_auth(care, f"support@{care}", ip)], dkim=[care],
        text=("山田 太郎 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\nお客様のアカウントで、通常とは異なる"
              "お支払い方法の利用が確認されました。お客様の安全のため、アカウントとご注文を一時的に保留しております。\n\n"
              f"下記のページで請求先情報を確認すると、保留は解除されます。\n{url}\n\n"
              "今後ともAmazon.co.jpをよろしくお願いいたします。\n\nAmazon.co.jp カスタマーサービス\n"),
        html=page(["山田 太郎 様", "Amazon.co.jp をご利用いただき、ありがとうございます。",
                   "お客様のアカウントで、通常とは異なるお支払い方法の利用が確認されました。お客様の安全のため、"
                   "アカウントとご注文を一時的に保留しております。"], button=(url, "請求先情報を確認する"),
                  footer="Amazon.co.jp カスタマーサービス")))
    conf, ip2 = "shop-confirm.example", "203.0.113.88"
    oid = "112-4820375-9931406"
    url = f"https://{conf}/orders/{oid}?manage=1"
    out.append(mail(
        d + "speaks-as-amazon-en-order-cancel-link.eml", "verdict=phishing; kind=order",
        frm=mailbox("Order Confirmation", f"orders@{conf}"), subject=f"Your order #{oid} has been placed",
        date="Mon, 24 Mar 2025 13:22:47 -0400", host=f"smtp.{conf}", ip=ip2, return_path=f"orders@{conf}", to=ALEX,
        ar=[own_auth(conf, f"orders@{conf}", ip2)], dkim=[conf],
        text=(f"Hello Alex,\n\nThank you for shopping with Amazon. Your order #{oid} has been placed.\n\n"
              "Apple iPhone 16 Pro Max, 256GB, Desert Titanium\nQuantity: 1\nOrder Total: $1,299.00\n\n"
              f"If you did not place this order, cancel it within 24 hours:\n{url}\n\nAmazon Customer Service\n"),
        html=page(["Hello Alex,", f"Thank you for shopping with Amazon. Your order <b>#{oid}</b> has been placed.",
                   "Apple iPhone 16 Pro Max, 256GB, Desert Titanium<br>Quantity: 1<br><b>Order Total: $1,299.00</b>",
                   "If you did not place this order, cancel it within 24 hours."],
                  button=(url, "View or manage order"), lang="en", footer="Amazon Customer Service")))
    memb, ip3 = "member-renewal.example", "198.51.100.133"
    url = f"https://www.{memb}/prime/update?m={token('o03', 12)}"
    out.append(mail(
        d + "speaks-as-amazon-en-prime-payment.eml", "verdict=phishing; kind=payment",
        frm=mailbox("Prime Membership", f"prime@{memb}"), subject="Your Prime membership could not be renewed",
        date="Sat, 12 Apr 2025 06:15:03 +0100", host=f"out.{memb}", ip=ip3, return_path=f"prime@{memb}", to=EMMA,
        ar=[own_auth(memb, f"prime@{memb}", ip3)], dkim=[memb], cte="base64",
        text=("Dear Emma,\n\nThank you for being a Prime member. We were unable to renew your membership because your card "
              "was declined. To keep your benefits, update your payment method:\n\n"
              f"{url}\n\nWe hope to see you again soon.\n\nAmazon Customer Service\n")))
    chk, ip4 = "order-check.example", "203.0.113.12"
    oid = "250-6630184-2290517"
    url = f"https://{chk}/cancel?order={oid}"
    out.append(mail(
        d + "speaks-as-amazon-ja-order-cancel.eml", "verdict=phishing; kind=order",
        frm=mailbox("ご注文確認センター", f"confirm@{chk}"), subject=f"ご注文の確認 {oid}",
        date="Wed, 07 May 2025 22:03:56 +0900", host=f"mail.{chk}", ip=ip4, return_path=f"confirm@{chk}", to=HANAKO,
        ar=[own_auth(chk, f"confirm@{chk}", ip4)], dkim=[chk],
        text=(f"佐藤 花子 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n"
              f"以下のご注文を承りました。\n\n注文番号: {oid}\n"
              "商品: Nintendo Switch 2 マリオカート ワールド セット\n数量: 2\nご請求額: ￥107,560\n\n"
              f"ご注文に心当たりがない場合は、24時間以内に下記よりキャンセルしてください。\n"
              f"{url}\n\nAmazon.co.jp カスタマーサービス\n"),
        html=page(["佐藤 花子 様", "Amazon.co.jp をご利用いただき、ありがとうございます。以下のご注文を承りました。",
                   f"注文番号: {oid}<br>商品: Nintendo Switch 2 マリオカート ワールド セット<br>数量: 2<br>ご請求額: ￥107,560",
                   "ご注文に心当たりがない場合は、24時間以内にキャンセルしてください。"], button=(url, "注文をキャンセルする"),
                  footer="Amazon.co.jp カスタマーサービス")))
    anz, ip5 = "anzen-center.example", "198.51.100.52"
    url = f"https://{anz}/security/confirm?s={token('o05', 18)}"
    out.append(mail(
        d + "speaks-as-amazon-iso2022jp-ja-signin.eml", "verdict=phishing; kind=security",
        frm=f"{encoded_word('セキュリティ担当', 'iso-2022-jp')} <security@{anz}>", subject="新しい端末からのサインイン",
        subject_charset="iso-2022-jp", date="Fri, 20 Jun 2025 04:12:44 +0900", host=f"mail.{anz}", ip=ip5,
        return_path=f"security@{anz}", ar=[own_auth(anz, f"security@{anz}", ip5)], dkim=[anz], charset="iso-2022-jp",
        text=("山田 太郎 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n"
              "お客様のアカウントに新しい端末からサインインが"
              "ありました。\n日時: 2025年6月20日 3:58\n端末: iPhone\n\n"
              "お客様ご本人でない場合は、下記よりアカウントを保護してください。\n"
              f"{url}\n\nAmazon.co.jp セキュリティ担当\n")))
    rep, ip6 = "cs-reply.example", "203.0.113.71"
    out.append(mail(
        d + "speaks-as-amazon-ja-reply-with-card-no-link.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("アカウントスペシャリスト", f"verification@{rep}"), subject="ご利用のアカウントの確認が必要です",
        date="Tue, 15 Jul 2025 11:11:29 +0900", host=f"smtp.{rep}", ip=ip6, return_path=f"verification@{rep}",
        ar=[own_auth(rep, f"verification@{rep}", ip6)], dkim=[rep], reply_to=f"verification@{rep}",
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\nお客様のアカウントは、請求先情報を確認できないため"
              "一時的に停止されています。\n確認のため、このメールに返信する形で以下をお知らせください。\n\n"
              "・クレジットカード番号（16桁すべて）\n・有効期限およびセキュリティコード\n・ご登録のお名前と住所\n\n"
              "Amazon.co.jp アカウントスペシャリスト\n")))
    out.append(mail(
        d + "speaks-as-amazon-en-reply-request-no-link.eml", "verdict=flagged; kind=account_lock",
        frm=mailbox("Account Specialist", f"specialist@{rep}"), subject="Action required on your account",
        date="Wed, 30 Jul 2025 19:54:02 -0700", host=f"smtp.{rep}", ip=ip6, return_path=f"specialist@{rep}", to=ALEX,
        ar=[own_auth(rep, f"specialist@{rep}", ip6)], dkim=[rep], reply_to=f"specialist@{rep}",
        text=("Hello,\n\nThank you for shopping with Amazon.\n\nWe have temporarily placed your account on hold while we "
              "review recent activity. To help us complete the review, please reply to this message with your full name, "
              "billing address and a phone number where we can reach you.\n\nWe will respond within 24 hours.\n\n"
              "Amazon Customer Service\n")))
    # controls: third parties writing ABOUT Amazon from their own authenticated domains, linking only to themselves
    bank, ipb = "kamome-bank.example", "198.51.100.210"
    out.append(mail(
        d + "control-bank-warns-about-amazon-phishing-ja.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("かもめ銀行", f"info@mail.{bank}"), subject="【注意喚起】Amazonを装ったフィッシングメールにご注意ください",
        date="Mon, 10 Feb 2025 10:00:00 +0900", host=f"mail.{bank}", ip=ipb, return_path=f"bounce@mail.{bank}",
        ar=[own_auth(bank, f"bounce@mail.{bank}", ipb)], dkim=[bank],
        text=("かもめ銀行をご利用いただき、ありがとうございます。\n\n最近、Amazonを装ったフィッシングメールが多数確認されています。"
              "「アカウントがロックされました」「お支払い方法を更新してください」などと記載し、偽のサイトへ誘導して"
              "カード番号やパスワードを入力させる手口です。\n\nメール内のリンクは開かず、公式アプリから直接ご確認ください。"
              "当行がメールでカード番号や暗証番号をお尋ねすることはありません。\n\n不審なメールの例と対処方法:\n"
              f"https://www.{bank}/security/phishing/2025/\n\nかもめ銀行 お客さまサポート\n"),
        html=page(["かもめ銀行をご利用いただき、ありがとうございます。",
                   "最近、<b>Amazonを装ったフィッシングメール</b>が多数確認されています。「アカウントがロックされました」"
                   "「お支払い方法を更新してください」などと記載し、偽のサイトへ誘導する手口です。",
                   "メール内のリンクは開かず、公式アプリから直接ご確認ください。"],
                  links=[(f"https://www.{bank}/security/phishing/2025/", "不審なメールの例と対処方法"),
                         (f"https://www.{bank}/", "かもめ銀行 ホーム")], footer="かもめ銀行 お客さまサポート")))
    card, ipc = "northwind-card.example", "203.0.113.150"
    out.append(mail(
        d + "control-card-issuer-warns-about-amazon-scams-en.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("Northwind Card Security", f"security@alerts.{card}"),
        subject="Beware of emails pretending to be Amazon", date="Thu, 20 Mar 2025 15:30:00 -0400",
        host=f"mta.alerts.{card}", ip=ipc, return_path=f"bounce@alerts.{card}", to=ALEX,
        ar=[own_auth(card, f"bounce@alerts.{card}", ipc)], dkim=[card],
        text=("Dear Cardmember,\n\nWe're seeing a rise in scam emails that pretend to come from Amazon. They claim your "
              "account is locked or a payment failed and link to fake sign-in pages that steal card numbers.\n\n"
              "Amazon will never ask for your full card number by email. If you get such a message, don't click it. "
              f"Learn how to spot these scams:\nhttps://www.{card}/security/amazon-scams\n\nNorthwind Card Security Team\n")))
    unyu, ipd = "sakura-unyu.example", "198.51.100.222"
    slip = "4417-2290-8833"
    out.append(mail(
        d + "control-carrier-notice-for-amazon-parcel-ja.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("さくら運輸", f"no-reply@{unyu}"), subject="お荷物お届けのお知らせ",
        date="Sat, 05 Apr 2025 08:02:11 +0900", host=f"mail.{unyu}", ip=ipd, return_path=f"no-reply@{unyu}", to=HANAKO,
        ar=[own_auth(unyu, f"no-reply@{unyu}", ipd)], dkim=[unyu],
        text=(f"佐藤 花子 様\n\nさくら運輸です。以下のお荷物を本日お届けする予定です。\n\n伝票番号: {slip}\n"
              "ご依頼主: Amazon.co.jp\nお届け予定: 4月5日 14時～16時\n\nお届け日時の変更はこちら:\n"
              f"https://www.{unyu}/tracking?slip={slip.replace('-', '')}\n\nさくら運輸 お客様センター\n")))
    news, ipe = "techdaily.example", "203.0.113.199"
    out.append(mail(
        d + "control-news-newsletter-about-amazon-en.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("TechDaily", f"newsletter@{news}"), subject="Amazon announces new Kindle lineup; Prime price changes",
        date="Tue, 13 May 2025 07:00:00 +0000", host=f"mailer.{news}", ip=ipe, return_path=f"bounces@{news}", to=ALEX,
        ar=[own_auth(news, f"bounces@{news}", ipe)], dkim=[news],
        text=("TechDaily - Tuesday briefing\n\n1. Amazon announces new Kindle lineup\nThe e-reader gets a brighter screen "
              f"and a longer battery.\nhttps://www.{news}/2025/05/13/amazon-kindle-lineup\n\n2. Prime price changes in Europe\n"
              f"Amazon raises Prime fees in three countries.\nhttps://www.{news}/2025/05/13/prime-price-europe\n\n"
              f"Unsubscribe: https://www.{news}/newsletter/unsubscribe\n"),
        html=page(["<b>TechDaily - Tuesday briefing</b>", "1. Amazon announces new Kindle lineup",
                   "2. Prime price changes in Europe"],
                  links=[(f"https://www.{news}/2025/05/13/amazon-kindle-lineup", "Read: Amazon announces new Kindle lineup"),
                         (f"https://www.{news}/2025/05/13/prime-price-europe", "Read: Prime price changes in Europe"),
                         (f"https://www.{news}/newsletter/unsubscribe", "Unsubscribe")], lang="en", footer="TechDaily")))
    itn, ipf = "it-news.example", "198.51.100.9"
    out.append(mail(
        d + "control-news-newsletter-about-amazon-ja.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("ITニュース速報", f"mail@{itn}"), subject="アマゾン、プライム感謝祭の日程を発表",
        date="Wed, 18 Jun 2025 18:00:00 +0900", host=f"mta.{itn}", ip=ipf, return_path=f"mail@{itn}",
        ar=[own_auth(itn, f"mail@{itn}", ipf)], dkim=[itn],
        text=("ITニュース速報 6月18日号\n\n■アマゾン、プライム感謝祭の日程を発表\nアマゾンジャパンは、秋の大型セールの日程を"
              f"発表した。\nhttps://www.{itn}/articles/2025/06/18/amazon-sale\n\n■フィッシング詐欺、Amazonをかたる手口が増加\n"
              f"「アカウントがロックされました」という偽メールに注意。\nhttps://www.{itn}/articles/2025/06/18/phishing\n\n"
              f"配信停止: https://www.{itn}/mail/stop\n")))
    hcard, ipg = "hikari-card.example", "203.0.113.111"
    out.append(mail(
        d + "control-card-usage-notice-amazon-purchase-ja.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("ひかりカード", f"info@notice.{hcard}"), subject="カードご利用のお知らせ",
        date="Sun, 27 Jul 2025 21:46:18 +0900", host=f"mail.notice.{hcard}", ip=ipg, return_path=f"info@notice.{hcard}",
        ar=[own_auth(hcard, f"info@notice.{hcard}", ipg)], dkim=[hcard],
        text=("山田 太郎 様\n\nひかりカードのご利用がありましたのでお知らせします。\n\nご利用日時: 2025/07/27 21:44\n"
              "ご利用先: AMAZON.CO.JP\nご利用金額: 12,800円\n\nお心当たりのない場合は、カード裏面の電話番号までご連絡ください。\n"
              f"ご利用明細の確認: https://www.{hcard}/member/statement\n\nひかりカード\n")))
    watch, iph = "pricewatch.example", "198.51.100.77"
    out.append(mail(
        d + "control-price-tracker-links-amazon-and-itself-en.eml", "verdict=not_amazon; kind=none",
        frm=mailbox("PriceWatch", f"alerts@{watch}"), subject="Price drop: Kindle Paperwhite is now $124.99",
        date="Mon, 11 Aug 2025 12:30:00 +0000", host=f"mail.{watch}", ip=iph, return_path=f"alerts@{watch}", to=EMMA,
        ar=[own_auth(watch, f"alerts@{watch}", iph)], dkim=[watch],
        html=page(["Good news, Emma!", "An item on your watch list dropped in price on Amazon:",
                   "Kindle Paperwhite (16 GB) - <b>$124.99</b> (was $159.99)"],
                  links=[("https://www.amazon.com/dp/B0CFPJYX7P", "View on Amazon"),
                         (f"https://www.{watch}/watchlist", "Manage your watch list"),
                         (f"https://www.{watch}/unsubscribe?u={token('n07', 10)}", "Unsubscribe")],
                  lang="en", footer="PriceWatch - we track prices so you don't have to")))
    return out


# ---------------------------------------------------------------------------------------------
# 4. Microsoft 365 says dmarc=fail for an Amazon From (its header has no authserv-id)
# ---------------------------------------------------------------------------------------------

CORP_TARO = "=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <t.yamada@corp.example>"
CORP_ALEX = "Alex Morgan <alex.morgan@corp.example>"


def _m365_mail(path: str, expect: str, *, frm: str, subject: str, date: str, ip: str, helo: str, auth: str,
               to: str = CORP_TARO, scl: int = 5, **kw) -> Spec:
    """Delivered by Exchange Online: its A-R, the ARC/antispam headers, X-MS-Exchange-* set."""
    headers: list[tuple[str, str]] = [
        ("Received", f"from OS3PR01MB8123.jpnprd01.prod.outlook.com (2603:1096:604:1a2::9) by\n TYCPR01MB11456.jpnprd01.prod."
                     f"outlook.com with HTTPS; {date}"),
        ("Received", f"from TY2PEPF0000AB12.jpnprd01.prod.outlook.com (2603:1096:404:8018:cafe::4a) by\n OS3PR01MB8123."
                     f"jpnprd01.prod.outlook.com (2603:1096:604:1a2::9) with Microsoft SMTP Server (version=TLS1_2,\n "
                     f"cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.18; {date}"),
        ("Authentication-Results", auth),
        ("Received-SPF", _received_spf(auth, frm, ip, helo)),
        ("Received", f"from {helo} ({ip}) by\n TY2PEPF0000AB12.mail.protection.outlook.com (10.167.241.196) with Microsoft SMTP\n"
                     f" Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.18 via Frontend\n Transport; {date}"),
    ]
    headers += [(n, v) for n, v in kw.pop("lower", [])]
    headers += [("Date", date), ("From", frm), ("To", to), ("Subject", header_text(subject)),
                ("Message-ID", f"<{token(path, 24)}@{helo}>")]
    headers += kw.pop("extra", [])
    text, html = kw.pop("text", None), kw.pop("html", None)
    lang = "ja" if any("\u3040" <= ch <= "\u30ff" for ch in (text or "") + (html or "")) else "en"
    headers += exchange_headers(path, date, scl=scl, ip=ip, helo=helo, lang=lang)
    return Spec(path, expect, headers, text, html, kw.pop("charset", "utf-8"), kw.pop("cte", "quoted-printable"))


def _received_spf(auth: str, frm: str, ip: str, helo: str) -> str:
    domain = frm.rpartition("@")[2].rstrip(">")
    if "spf=pass" in auth:
        envelope = auth.split("smtp.mailfrom=", 1)[1].split(";", 1)[0]
        return (f"Pass (protection.outlook.com: domain of {envelope} designates {ip} as\n permitted sender) "
                f"receiver=protection.outlook.com; client-ip={ip}; helo={helo}; pr=C")
    return (f"Fail (protection.outlook.com: domain of {domain} does not\n designate {ip} as permitted sender) "
            f"receiver=protection.outlook.com;\n client-ip={ip}; helo={helo};")


def m365() -> list[Spec]:
    d = "m365_dmarc_fail/"
    out: list[Spec] = []
    ip = "203.0.113.9"
    auth = m365_auth(spf="fail", mailfrom="amazon.co.jp", ip=ip, dkim="none", dkim_d="none", dmarc="fail",
                     header_from="amazon.co.jp")
    url = f"https://acct-restore.example/ap/signin?openid={token('m01', 20)}"
    out.append(_m365_mail(
        d + "amazon-co-jp-dmarc-fail-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("Amazon.co.jp", "account-update@amazon.co.jp"), subject="アカウントがロックされました",
        date="Tue, 18 Feb 2025 03:44:17 +0000", ip=ip, helo="vps-7731.hosting.example", auth=auth,
        text=_ja_lock_text(url),
        html=page(["山田 太郎 様", "Amazon.co.jp をご利用いただき、ありがとうございます。",
                   "お客様のアカウントで普段と異なるログインが確認されたため、アカウントを一時的にロックいたしました。"],
                  button=(url, "アカウントを確認する"), footer="Amazon.co.jp カスタマーサービス")))
    ip2 = "203.0.113.54"
    auth = m365_auth(spf="fail", mailfrom="amazon.com", ip=ip2, dkim="none", dkim_d="none", dmarc="fail",
                     header_from="amazon.com", action="oreject")
    out.append(_m365_mail(
        d + "amazon-com-dmarc-fail-oreject-en-order-hold-reply.eml", "verdict=phishing; kind=order",
        frm=mailbox("Amazon.com", "order-update@amazon.com"), subject="Your order 114-3309281-7754620 is on hold",
        date="Mon, 17 Mar 2025 22:08:51 +0000", ip=ip2, helo="mail.cheap-vps.example", auth=auth, to=CORP_ALEX,
        extra=[("Reply-To", "order-desk@outlook.example")],
        text=("Hello,\n\nYour order 114-3309281-7754620 (Apple MacBook Air 13-inch M3, $1,099.00) is on hold because we "
              "could not verify the billing address.\n\nReply to this email with the name on the card and the billing "
              "address so we can release the order. You can also review the order here:\n"
              "https://www.amazon.com/gp/your-account/order-details?orderID=114-3309281-7754620\n\nAmazon.com\n")))
    ip3 = "198.51.100.160"
    auth = m365_auth(spf="fail", mailfrom="amazon.co.jp", ip=ip3, dkim="none", dkim_d="none", dmarc="fail",
                     header_from="amazon.co.jp")
    oid = "503-7702196-4418830"
    out.append(_m365_mail(
        d + "amazon-co-jp-dmarc-fail-ja-order-callback.eml", "verdict=phishing; kind=order",
        frm=mailbox("Amazon.co.jp", "auto-confirm@amazon.co.jp"), subject=f"Amazon.co.jp ご注文の確認 {oid}",
        date="Sat, 26 Apr 2025 11:19:05 +0000", ip=ip3, helo="smtp.bulk-relay.example", auth=auth,
        text=(f"山田 太郎 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n注文番号: {oid}\n"
              "商品: Apple Watch Ultra 2 (GPS + Cellular)\nご請求額: ￥128,800\n\nこのご注文にお心当たりがない場合は、"
              "至急 050-5839-2716 までお電話ください。24時間以内にキャンセル手続きを行います。\n\n"
              f"注文の詳細: https://www.amazon.co.jp/gp/css/order-details?orderID={oid}\n\nAmazon.co.jp\n")))
    ip4 = "192.0.2.183"
    auth = m365_auth(spf="softfail", mailfrom="amazon.co.uk", ip=ip4, dkim="fail", dkim_d="amazon.co.uk", dmarc="fail",
                     header_from="amazon.co.uk", reason="001")
    url = f"https://signin-review.example/uk/verify?r={token('m04', 16)}"
    out.append(_m365_mail(
        d + "amazon-co-uk-dkim-fail-dmarc-fail-en-signin.eml", "verdict=phishing; kind=security",
        frm=mailbox("Amazon.co.uk", "account-update@amazon.co.uk"), subject="Sign-in attempt from a new device",
        date="Thu, 05 Jun 2025 06:27:33 +0000", ip=ip4, helo="relay3.mailhost.example", auth=auth,
        to="Emma Clarke <emma.clarke@corp.example>",
        lower=[("DKIM-Signature", dkim_signature("amazon.co.uk", "m04"))],
        text=("Hello Emma,\n\nWe detected a sign-in to your Amazon.co.uk account from a new device (Windows, Firefox) "
              f"near Manchester. If this wasn't you, verify your account immediately:\n{url}\n\nAmazon.co.uk\n")))
    ip5 = "203.0.113.77"
    auth = m365_auth(spf="fail", mailfrom="gc.email.amazon.co.jp", ip=ip5, dkim="none", dkim_d="none", dmarc="fail",
                     header_from="gc.email.amazon.co.jp")
    out.append(_m365_mail(
        d + "amazon-gc-subdomain-dmarc-fail-ja-giftcard.eml", "verdict=phishing; kind=gift_card",
        frm=mailbox("Amazonギフトカード", "gc-orders@gc.email.amazon.co.jp"), subject="Amazonギフトカードが届きました",
        date="Fri, 11 Jul 2025 09:03:40 +0000", ip=ip5, helo="mx.giftmail.example", auth=auth, scl=6,
        text=("Amazonギフトカード 10,000円分が届きました。\n\n"
              "下記のボタンからギフトカードを受け取り、アカウントに登録してください。"
              "受け取りにはサインインが必要です。\n\n"
              f"https://gift-receive.example/gc/redeem?claim={token('m05', 16)}\n\n有効期限: 本日 23:59 まで\n")))
    ip6 = "198.51.100.250"
    auth = m365_auth(spf="none", mailfrom="mail.amazon.com", ip=ip6, dkim="none", dkim_d="none", dmarc="fail",
                     header_from="amazon.com", action="oreject")
    out.append(_m365_mail(
        d + "amazon-com-spf-none-dmarc-fail-en-shipping.eml", "verdict=phishing; kind=shipping",
        frm=mailbox("Amazon Shipping", "shipment-tracking@amazon.com"), subject="Your package could not be delivered",
        date="Wed, 20 Aug 2025 16:40:12 +0000", ip=ip6, helo="smtp.parcel-notify.example", auth=auth, to=CORP_ALEX,
        html=page(["Hello,", "We attempted to deliver your package today but no one was available.",
                   "To schedule a new delivery, confirm your address and pay the $1.99 redelivery fee."],
                  button=(f"https://parcel-notify.example/redeliver?pkg={token('m06', 12)}", "Schedule delivery"),
                  lang="en", footer="Amazon.com")))
    return out


# ---------------------------------------------------------------------------------------------
# 5. a forged Authentication-Results below the user's server's own (same authserv-id, passing)
# ---------------------------------------------------------------------------------------------

def _forged(domain: str, authserv: str = HOME, ip: str = "54.240.27.18") -> str:
    return auth_results(authserv, spf=("pass", f"no-reply@{domain}"), dkim=[("pass", domain)], dmarc=("pass", domain), ip=ip)


def forged_ar() -> list[Spec]:
    d = "forged_lower_ar/"
    out: list[Spec] = []
    ip, relay = "141.33.200.17", "mta4.bulk-sender.example"
    top = auth_results(spf=("fail", "no-reply@amazon.co.jp"), dkim=[("none", "")], dmarc=("fail", "amazon.co.jp"), ip=ip)
    date = "Sun, 09 Mar 2025 02:34:20 +0900"
    out.append(mail(
        d + "same-authserv-id-below-ja-lock.eml", f"verdict=phishing; kind=account_lock; authserv={HOME}",
        frm=mailbox("Amazon.co.jp", "no-reply@amazon.co.jp"), subject="お客様の Amazon アカウント 返信のお願い",
        date=date, host=relay, ip=ip, return_path="no-reply@amazon.co.jp", ar=[top],
        lower=[("Authentication-Results", _forged("amazon.co.jp"))], hops=[hop("localhost", relay, "f01", date)],
        reply_to="account-specialist@jp-support.example",
        text=("Amazon.co.jp をご利用いただき、ありがとうございます。\n\nお客様のアカウントで異常なお支払いが確認されたため、"
              "アカウントへのアクセスとご注文を保留しております。\n24時間以内にこのメールへ返信し、ご登録のお名前、請求先住所、"
              "お電話番号をお知らせください。\n\nAmazon.co.jp ヘルプ: https://www.amazon.co.jp/gp/help/customer/display.html\n\n"
              "アカウントスペシャリスト\n")))
    out.append(mail(
        d + "same-authserv-id-below-topmost-only-ja-payment.eml", "verdict=phishing; kind=payment",
        frm=mailbox("Amazon.co.jp", "payments-update@amazon.co.jp"), subject="お支払い方法の更新が必要です",
        date="Mon, 10 Mar 2025 14:02:51 +0900", host=relay, ip=ip, return_path="payments-update@amazon.co.jp", to=HANAKO,
        ar=[auth_results(spf=("fail", "payments-update@amazon.co.jp"), dkim=[("none", "")], dmarc=("fail", "amazon.co.jp"), ip=ip)],
        lower=[("Authentication-Results", _forged("amazon.co.jp"))],
        text=("佐藤 花子 様\n\nご登録のクレジットカードでお支払いを完了できませんでした。\n"
              "ご注文の商品を発送するため、下記よりお支払い方法を更新してください。\n\n"
              f"https://pay-update.example/jp/wallet?sid={token('f02', 16)}\n\nAmazon.co.jp\n")))
    out.append(mail(
        d + "uppercase-authserv-id-below-ja-lock.eml", f"verdict=phishing; kind=account_lock; authserv={HOME}",
        frm=mailbox("Amazon.co.jp", "account-update@amazon.co.jp"), subject="アカウントが一時停止されました",
        date="Fri, 04 Apr 2025 23:10:44 +0900", host=relay, ip=ip, return_path="account-update@amazon.co.jp",
        ar=[auth_results(spf=("fail", "account-update@amazon.co.jp"), dkim=[("none", "")], dmarc=("fail", "amazon.co.jp"), ip=ip)],
        lower=[("Authentication-Results", _forged("amazon.co.jp", HOME.upper()))],
        text=_ja_lock_text(f"https://acct-check.example/jp/unlock?c={token('f03', 12)}")))
    date = "Tue, 13 May 2025 05:55:02 +0900"
    out.append(mail(
        d + "no-home-results-only-forged-below-received-ja-lock.eml", "verdict=phishing; kind=account_lock",
        frm=mailbox("Amazon.co.jp", "no-reply@amazon.co.jp"), subject="【重要】アカウントのロックについて",
        date=date, host=relay, ip=ip, return_path="no-reply@amazon.co.jp",
        lower=[("Authentication-Results", _forged("amazon.co.jp"))], hops=[hop("localhost", relay, "f04", date)],
        text=_ja_lock_text(f"https://jp-account-center.example/signin?lock={token('f04', 16)}")))
    out.append(mail(
        d + "versioned-authserv-id-en-payment.eml", f"verdict=phishing; kind=payment; authserv={HOME}",
        frm=mailbox("Amazon.com", "payments-messages@amazon.com"), subject="Your payment was declined",
        date="Thu, 12 Jun 2025 08:21:37 -0400", host=relay, ip=ip, return_path="payments-messages@amazon.com", to=ALEX,
        ar=[auth_results(f"{HOME} 1", spf=("fail", "payments-messages@amazon.com"), dkim=[("none", "")],
                         dmarc=("fail", "amazon.com"), ip=ip)],
        lower=[("Authentication-Results", _forged("amazon.com", f"{HOME} 1"))],
        text=_en_payment_text(f"https://billing-center.example/us/update?id={token('f05', 14)}")))
    out.append(mail(
        d + "forged-ar-and-arc-below-en-lock.eml", f"verdict=phishing; kind=account_lock; authserv={HOME}",
        frm=mailbox("Amazon.com", "account-update@amazon.com"), subject="Your Amazon account has been suspended",
        date="Sat, 19 Jul 2025 19:03:28 -0700", host=relay, ip=ip, return_path="account-update@amazon.com", to=EMMA,
        ar=[auth_results(spf=("softfail", "account-update@amazon.com"), dkim=[("none", "")], dmarc=("fail", "amazon.com"), ip=ip)],
        lower=[("ARC-Authentication-Results", f"i=1; {_forged('amazon.com')}"),
               ("ARC-Seal", f"i=1; a=rsa-sha256; d=amazon.com; s=arc-2025; t=1752976000; cv=none;\n\tb={token('f06', 64)}"),
               ("Authentication-Results", _forged("amazon.com"))],
        text=("Hello Emma,\n\nYour Amazon account has been suspended because we could not verify your identity. "
              f"Restore access within 24 hours:\nhttps://restore-access.example/a/{token('f06b', 20)}\n\nAmazon.com\n")))
    out.append(mail(
        d + "copied-dkim-fails-two-forged-below-ja-order.eml", f"verdict=phishing; kind=order; authserv={HOME}",
        frm=mailbox("Amazon.co.jp", "auto-confirm@amazon.co.jp"), subject="Amazon.co.jp ご注文の確認 249-5521870-3308146",
        date="Wed, 13 Aug 2025 12:44:09 +0900", host=relay, ip=ip, return_path="auto-confirm@amazon.co.jp", to=HANAKO,
        ar=[auth_results(spf=("fail", "auto-confirm@amazon.co.jp"), dkim=[("fail", "amazon.co.jp")], dmarc=("fail", "amazon.co.jp"),
                         ip=ip)],
        lower=[("Authentication-Results", _forged("amazon.co.jp")),
               ("Authentication-Results", auth_results("mx.amazon.co.jp", spf=("pass", "auto-confirm@amazon.co.jp"),
                                                       dkim=[("pass", "amazon.co.jp")], dmarc=("pass", "amazon.co.jp")))],
        dkim=["amazon.co.jp"],
        text=("佐藤 花子 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n注文番号: 249-5521870-3308146\n"
              "商品: Amazonギフトカード（Eメールタイプ） 50,000円\nご請求額: ￥50,000\n\nご注文にお心当たりがない場合は、"
              "下記よりキャンセルしてください。\nhttps://order-cancel-jp.example/cancel?o=249-5521870-3308146\n\nAmazon.co.jp\n")))
    return out


# ---------------------------------------------------------------------------------------------
# 6. a phone number to call: unverified Amazon From, or Amazon's own mail carrying a stranger's text
# ---------------------------------------------------------------------------------------------

def callback() -> list[Spec]:
    d = "callback_number/"
    out: list[Spec] = []
    relay, ip = "smtp.mail-relay.example", "192.0.2.144"
    oid = "250-9917342-5502866"
    date = "Thu, 13 Feb 2025 01:17:48 +0900"
    out.append(mail(
        d + "unverified-amazon-co-jp-order-call-050-ja.eml", "verdict=flagged; kind=order",
        frm=mailbox("Amazon.co.jp", "auto-confirm@amazon.co.jp"), subject=f"Amazon.co.jp ご注文の確認 {oid}",
        date=date, host=relay, ip=ip, return_path="auto-confirm@amazon.co.jp", hops=[hop("[10.8.0.3]", relay, "c01", date)],
        text=(f"山田 太郎 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n注文番号: {oid}\n"
              "商品: Apple iPhone 16 Pro 512GB ナチュラルチタニウム\n数量: 1\nご請求額: ￥224,800\nお届け予定: 2月15日\n\n"
              "ご不明な点やご注文に心当たりがない場合は 050-5212-8841 までお電話ください（24時間受付）。\n\n"
              f"注文の詳細: https://www.amazon.co.jp/gp/css/order-details?orderID={oid}\n\nAmazon.co.jp\n")))
    date = "Sat, 22 Mar 2025 10:45:00 -0500"
    out.append(mail(
        d + "unverified-amazon-com-prime-renewal-call-to-cancel-en.eml", "verdict=flagged; kind=payment",
        frm=mailbox("Amazon Prime", "prime@amazon.com"), subject="Your Prime membership will renew for $139.00",
        date=date, host="mail.renewals-desk.example", ip="198.51.100.61", return_path="prime@amazon.com", to=ALEX,
        text=("Hello Alex,\n\nYour Amazon Prime membership will automatically renew today for $139.00, charged to your "
              "card on file.\n\nIf you did not authorize this renewal, call 1-844-319-7725 to cancel and get a full refund. "
              "Our billing department is open 24/7.\n\nThank you for being a Prime member.\nAmazon.com\n")))
    oid = "113-6602918-4470135"
    date = "Mon, 14 Apr 2025 20:02:33 -0400"
    out.append(mail(
        d + "unverified-amazon-com-order-html-call-en.eml", "verdict=flagged; kind=order",
        frm=mailbox("Amazon.com", "auto-confirm@amazon.com"), subject=f"Your Amazon.com order #{oid}",
        date=date, host="outbound.sendhub.example", ip="203.0.113.230", return_path="auto-confirm@amazon.com", to=EMMA,
        html=page(["Hello Emma,", f"Thank you for your order. Order <b>#{oid}</b>",
                   "Apple MacBook Pro 14-inch (M4 Pro, 24GB, 1TB) - Space Black<br>Qty: 1<br><b>Order Total: $2,399.00</b>",
                   "Didn't make this purchase? Call our fraud department at +1 (808) 555-0147 to stop the shipment."],
                  links=[(f"https://www.amazon.com/gp/your-account/order-details?orderID={oid}", "View order details")],
                  lang="en", footer="Amazon.com")))
    date = "Wed, 07 May 2025 08:30:12 +0900"
    out.append(mail(
        d + "unverified-amazon-co-jp-prime-renewal-iso2022jp-call-ja.eml", "verdict=flagged; kind=payment",
        frm=f"{encoded_word('Amazonプライム', 'iso-2022-jp')} <prime@amazon.co.jp>", subject="Amazonプライム会費のお支払いについて",
        subject_charset="iso-2022-jp", date=date, host="mx2.sendmail-service.example", ip="198.51.100.12",
        return_path="prime@amazon.co.jp", to=HANAKO, charset="iso-2022-jp",
        text=("佐藤 花子 様\n\nAmazonプライムの年会費 5,900円 を本日ご登録のカードに請求いたします。\n\n"
              "自動更新を停止したい場合や、お心当たりがない場合は、0800-170-5521 までお電話にてご連絡ください。\n"
              "受付時間: 9:00から21:00\n\nAmazon.co.jp\n")))
    gift = "gc-orders@gc.email.amazon.co.jp"
    out.append(amazon_mail(
        d + "dmarc-pass-giftcard-message-call-050-ja.eml", "verdict=flagged; kind=gift_card",
        domain="gc.email.amazon.co.jp", local="gc-orders", name="Amazonギフトカード", subject="Amazonギフトカードが届きました",
        date="Tue, 10 Jun 2025 13:20:41 +0900", to=TARO, bounce_domain="bounces.amazon.co.jp",
        text=("山田 太郎 様\n\nAmazonギフトカードが届きました。\n\n金額: ￥500\n贈り主: Amazonカスタマーサポート\n"
              "メッセージ:\n「【重要】お客様のアカウントに不正利用の疑いがあります。至急 050-3184-6620 までお電話ください。"
              "ご連絡がない場合、アカウントは停止されます。」\n\nギフトカードを受け取る:\n"
              "https://www.amazon.co.jp/gc/redeem?claimCode=AQ7K-X2MNPB-R4TZ\n\n"
              f"このメールは {gift} から送信されています。\nAmazon.co.jp\n")))
    out.append(amazon_mail(
        d + "dmarc-pass-giftcard-message-call-us-number-en.eml", "verdict=flagged; kind=gift_card",
        domain="gc.email.amazon.com", local="gc-orders", name="Amazon.com Gift Cards",
        subject="You've received an Amazon.com Gift Card!", date="Fri, 20 Jun 2025 09:14:27 -0700", to=ALEX, region="us",
        bounce_domain="bounces.amazon.com",
        html=page(["Hi Alex,", "You've received a $1.00 Amazon.com Gift Card from <b>Amazon Billing Support</b>.",
                   "Message: &quot;URGENT: your account will be charged $499.99 for an iPhone order today. If you did not "
                   "authorize this, call +1 808 555 0199 immediately to cancel.&quot;"],
                  button=("https://www.amazon.com/gc/redeem?claimCode=7RMX-QWE29K-PLT4", "Apply to your account"),
                  lang="en", footer="Amazon.com Gift Cards")))
    out.append(amazon_mail(
        d + "dmarc-pass-seller-message-call-ja.eml", "verdict=flagged; kind=other",
        domain="marketplace.amazon.co.jp", local="marketplace-messages", name="Amazon.co.jp 出品者",
        subject="出品者からのメッセージ：返金手続きについて", date="Sun, 29 Jun 2025 17:58:03 +0900", to=HANAKO,
        bounce_domain="bounces.amazon.co.jp", dkim_domain="amazon.co.jp",
        text=("佐藤 花子 様\n\n出品者「ソラトキ商店」からメッセージが届きました。\n\n------------------------------\n"
              "ご注文の商品（注文番号 503-2219087-6637214）は在庫切れのため発送できません。\n返金手続きを行いますので、"
              "お手数ですが 050-6841-1175 までお電話ください。"
              "担当者が口座情報を確認いたします。\n------------------------------\n\n"
              "このメッセージに返信するには:\nhttps://www.amazon.co.jp/gp/help/contact/contact.html?orderID=503-2219087-6637214\n\n"
              "Amazon.co.jp\n")))
    out.append(amazon_mail(
        d + "dmarc-pass-account-name-stuffing-en.eml", "verdict=flagged; kind=security",
        domain="amazon.com", local="account-update", name="Amazon.com", subject="Amazon password assistance",
        date="Thu, 17 Jul 2025 03:40:16 +0000", to=ALEX, region="us",
        text=("Dear CALL +1 808 555 0123 TO CANCEL YOUR ORDER,\n\nTo authenticate, please use the following One Time "
              "Password (OTP):\n\n418275\n\nDon't share this OTP with anyone. Our customer service team will never ask you "
              "for your password, OTP, credit card, or banking info.\n\nWe hope to see you again soon.\n\n"
              "https://www.amazon.com/gp/css/homepage.html\n")))
    oid = "249-3308412-1170595"
    out.append(amazon_mail(
        d + "dmarc-pass-shipping-name-stuffing-ja-order.eml", "verdict=flagged; kind=order",
        domain="amazon.co.jp", local="auto-confirm", name="Amazon.co.jp", subject=f"Amazon.co.jp ご注文の確認 {oid}",
        date="Mon, 04 Aug 2025 15:06:52 +0900", to=TARO,
        text=(f"Amazon.co.jp をご利用いただき、ありがとうございます。\n\n注文番号: {oid}\n\nお届け先:\n"
              "不正注文のキャンセルは050-6861-3390へお電話 様\n〒160-0022 東京都新宿区新宿3-1-1\n\n"
              "商品: Amazonギフトカード（Eメールタイプ） ￥3,000\n注文合計: ￥3,000\n\n"
              f"注文の詳細: https://www.amazon.co.jp/gp/css/order-details?orderID={oid}\n\nAmazon.co.jp\n")))
    return out


# ---------------------------------------------------------------------------------------------
# a phish behind a link rewriter is judged on its real target
# ---------------------------------------------------------------------------------------------

def rewritten_phish() -> list[Spec]:
    from support.linkwrap import barracuda, mimecast, proofpoint_v3, safelinks

    d = "rewritten_phish/"
    out: list[Spec] = []
    evil, ip = "evil-shop.example", "198.51.100.23"
    auth = m365_auth(spf="pass", mailfrom=evil, ip=ip, dkim="pass", dkim_d=evil, dmarc="pass", header_from=evil)
    target = "amazon-co-jp.account-verify.example"
    url = safelinks(f"https://{target}/ap/signin?openid.pape={token('rp01', 16)}")
    out.append(_m365_mail(
        d + "safelinks-wraps-brand-subdomain-ja-lock.eml", f"verdict=phishing; kind=account_lock; target={target}",
        frm=mailbox("Amazon.co.jp", f"info@{evil}"), subject="アカウントがロックされました", date="Wed, 12 Mar 2025 01:02:03 +0000",
        ip=ip, helo=f"mail.{evil}", auth=auth, scl=1,
        html=page(["山田 太郎 様",
        "お客様のアカウントで普段と異なるログインが確認されたため、アカウントを一時的にロックいたしました。",
                   "24時間以内にご本人様確認を完了してください。"], links=[(url, "https://www.amazon.co.jp/ap/signin")],
                  footer="Amazon.co.jp カスタマーサービス")))
    care, ip2 = "secure-member.example", "203.0.113.77"
    auth = m365_auth(spf="pass", mailfrom=care, ip=ip2, dkim="pass", dkim_d=care, dmarc="pass", header_from=care)
    target = "www.arnazon-jp.example"
    url = proofpoint_v3(f"https://{target}/gp/css/payment?token=%7B{token('rp02', 12)}%7D#update")
    out.append(_m365_mail(
        d + "proofpoint-v3-wraps-lookalike-ja-payment.eml", f"verdict=phishing; kind=payment; target={target}",
        frm=mailbox("Amazon", f"account@{care}"), subject="お支払い方法を更新してください", date="Thu, 20 Mar 2025 22:45:10 +0000",
        ip=ip2, helo=f"smtp.{care}", auth=auth, scl=1,
        text=("お客様のお支払い方法が承認されませんでした。下記よりカード情報を更新してください。\n\n"
              f"{url}\n\nAmazon.co.jp\n")))
    target = "login-amazon-co-jp.example"
    out.append(_m365_mail(
        d + "mimecast-domain-is-lookalike-en-signin.eml", f"verdict=phishing; kind=security; target={target}",
        frm=mailbox("Amazon Security", f"alerts@{care}"), subject="Unusual sign-in activity",
        date="Mon, 31 Mar 2025 10:10:10 +0000", ip=ip2, helo=f"smtp.{care}", auth=auth, scl=1, to=CORP_ALEX,
        html=page(["Hello,", "We detected unusual sign-in activity on your Amazon account.", "Review it now."],
                  button=(mimecast(target, "us"), "Review activity"), lang="en", footer="Amazon.com")))
    target = "secure-update.example"
    inner = "https://www.google.com/url?q=" + f"https://{target}/amzn/verify?c={token('rp04', 10)}".replace(":", "%3A").replace(
        "/", "%2F").replace("?", "%3F").replace("=", "%3D") + "&sa=D&usg=AOvVaw2Qx"
    out.append(_m365_mail(
        d + "safelinks-wraps-google-redirect-ja-lock.eml", "verdict=phishing; kind=account_lock; target=www.google.com",
        frm=mailbox("Amazon.co.jp", f"info@{evil}"), subject="【Amazon】アカウント停止のお知らせ",
        date="Tue, 08 Apr 2025 04:40:00 +0000",
        ip=ip, helo=f"mail.{evil}", scl=1,
        auth=m365_auth(spf="pass", mailfrom=evil, ip=ip, dkim="pass", dkim_d=evil, dmarc="pass", header_from=evil),
        text=_ja_lock_text(safelinks(inner))))
    target = "member-restore.example"
    out.append(_m365_mail(
        d + "barracuda-wraps-foreign-host-en-lock.eml", f"verdict=phishing; kind=account_lock; target={target}",
        frm=mailbox("Amazon.com", f"support@{evil}"), subject="Your account has been locked",
        date="Sun, 27 Apr 2025 14:14:14 +0000",
        ip=ip, helo=f"mail.{evil}", scl=1, to=CORP_ALEX,
        auth=m365_auth(spf="pass", mailfrom=evil, ip=ip, dkim="pass", dkim_d=evil, dmarc="pass", header_from=evil),
        html=page(["Dear Customer,", "Your Amazon account has been locked because of unusual activity.",
                   "Verify your identity within 24 hours to restore access."],
                  links=[(barracuda(f"https://{target}/restore?case={token('rp05', 10, '0123456789')}"), "https://www.amazon.com/")],
                  lang="en", footer="Amazon.com")))
    return out
