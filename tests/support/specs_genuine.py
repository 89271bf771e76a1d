"""Amazon's own mail that must stay genuine: one order confirmation per marketplace (from one template,
in the marketplace's language and currency), the other Amazon senders (Pay, AWS, Kindle, Audible,
Prime Video), and orders whose links a company's mail gateway rewrote."""

from __future__ import annotations

from dataclasses import dataclass

from support.advmail import (
    ALEX,
    TARO,
    Spec,
    amazon_mail,
    b64,
    dkim_signature,
    exchange_headers,
    header_text,
    m365_auth,
    mailbox,
    page,
    received,
    token,
)
from support.linkwrap import barracuda, mimecast, proofpoint_v2, proofpoint_v3, safelinks

HEX = "0123456789abcdef"


@dataclass(frozen=True)
class Words:
    """The order-confirmation template in one language."""

    subject: str  # {site} {oid} {item}
    greet: str  # {name}
    thanks: str
    order_no: str
    qty: str
    total: str
    view: str
    history: str
    bye: str
    rtl: bool = False


WORDS = {
    "ja": Words("注文済み: 「{item}」", "{name} 様",
                "{site} をご利用いただき、ありがとうございます。ご注文の商品の発送準備が整いましたらお知らせします。",
                "注文番号", "数量", "注文合計", "注文を表示または変更する", "注文履歴", "またのご利用をお待ちしております。"),
    "en": Words("Your {site} order #{oid}", "Hello {name},", "Thank you for shopping with us. We'll send a confirmation when "
                "your item ships.", "Order #", "Quantity", "Order Total:", "View or manage order", "Your Orders",
                "We hope to see you again soon."),
    "de": Words("Ihre {site} Bestellung von „{item}“", "Hallo {name},", "vielen Dank für Ihre Bestellung. Wir senden Ihnen "
                "eine Bestätigung, sobald Ihr Artikel versandt wurde.", "Bestellnummer", "Menge", "Gesamtsumme:",
                "Bestellung anzeigen oder ändern", "Meine Bestellungen", "Wir hoffen, Sie bald wieder begrüßen zu dürfen."),
    "fr": Words("Votre commande {site} de « {item} »", "Bonjour {name},", "Merci pour votre commande. Nous vous enverrons "
                "une confirmation dès que votre article aura été expédié.", "Commande n°", "Quantité", "Montant total :",
                "Afficher ou modifier la commande", "Vos commandes", "Nous espérons vous revoir bientôt."),
    "it": Words("Il tuo ordine {site} di \"{item}\"", "Ciao {name},", "grazie per il tuo ordine. Ti invieremo una conferma "
                "quando l'articolo sarà spedito.", "Ordine n.", "Quantità", "Totale ordine:", "Visualizza o modifica l'ordine",
                "I miei ordini", "Speriamo di rivederti presto."),
    "es": Words("Tu pedido de {site} de \"{item}\"", "Hola {name}:", "Gracias por tu pedido. Te enviaremos una confirmación "
                "cuando se envíe tu artículo.", "Pedido n.º", "Cantidad", "Total del pedido:", "Ver o gestionar el pedido",
                "Mis pedidos", "Esperamos volver a verte pronto."),
    "pt": Words("Seu pedido na {site} de \"{item}\"", "Olá {name},", "Obrigado pelo seu pedido. Enviaremos uma confirmação "
                "quando o item for enviado.", "Pedido nº", "Quantidade", "Total do pedido:", "Ver ou gerenciar pedido",
                "Seus pedidos", "Esperamos vê-lo novamente em breve."),
    "nl": Words("Je {site}-bestelling van \"{item}\"", "Hallo {name},", "Bedankt voor je bestelling. We sturen je een "
                "bevestiging zodra je artikel is verzonden.", "Bestelnummer", "Aantal", "Totaal bestelling:",
                "Bestelling bekijken of wijzigen", "Mijn bestellingen", "We hopen je snel weer te zien."),
    "sv": Words("Din {site}-beställning av \"{item}\"", "Hej {name}!", "Tack för din beställning. Vi skickar en bekräftelse "
                "när din vara har skickats.", "Beställningsnummer", "Antal", "Totalt för beställningen:",
                "Visa eller hantera beställning", "Dina beställningar", "Vi hoppas att vi ses snart igen."),
    "pl": Words("Twoje zamówienie {site}: \"{item}\"", "Witaj {name},", "dziękujemy za zamówienie. Wyślemy potwierdzenie, "
                "gdy produkt zostanie wysłany.", "Numer zamówienia", "Ilość", "Suma zamówienia:",
                "Wyświetl zamówienie lub zarządzaj nim", "Twoje zamówienia", "Mamy nadzieję, że wkrótce znów nas odwiedzisz."),
    "tr": Words("{site} siparişiniz: \"{item}\"", "Merhaba {name},", "Siparişiniz için teşekkür ederiz. Ürününüz kargoya "
                "verildiğinde size bir onay göndereceğiz.", "Sipariş numarası", "Adet", "Sipariş Toplamı:",
                "Siparişi görüntüle veya yönet", "Siparişlerim", "Sizi yakında tekrar görmeyi umuyoruz."),
    "ar": Words("تم تأكيد طلبك من {site}: \"{item}\"", "مرحباً {name}،", "شكراً لطلبك. سنرسل لك تأكيداً عند شحن المنتج.",
                "رقم الطلب", "الكمية", "إجمالي الطلب:", "عرض الطلب أو إدارته", "طلباتي", "نأمل أن نراك مرة أخرى قريباً.", True),
}


@dataclass(frozen=True)
class Market:
    domain: str
    lang: str
    region: str  # Amazon SES region the mail leaves from
    oid: str
    item: str
    amount: str  # as the marketplace writes it
    total: str  # the number the order must be extracted with
    currency: str  # ISO 4217
    name: str
    to: str
    date: str


MARKETS = [
    Market("amazon.co.jp", "ja", "fe", "250-4417208-3390152", "象印 ステンレスマグ 480ml", "￥3,480", "3480", "JPY", "山田 太郎",
           TARO, "Tue, 07 Jan 2025 19:22:04 +0900"),
    Market("amazon.com", "en", "us", "113-7702864-5519037", "Anker 737 Power Bank", "$89.99", "89.99", "USD", "Alex",
           ALEX, "Sat, 18 Jan 2025 15:40:11 -0800"),
    Market("amazon.co.uk", "en", "eu", "204-3317729-8806123", "Yorkshire Tea 240 Bags", "£18.49", "18.49", "GBP", "Emma",
           "Emma Clarke <emma.clarke@home.example>", "Mon, 27 Jan 2025 08:12:50 +0000"),
    Market("amazon.de", "de", "eu", "302-9984017-2275361", "Bialetti Moka Express 6 Tassen", "24,99 €", "24.99", "EUR",
           "Jonas Weber", "Jonas Weber <jonas.weber@home.example>", "Wed, 05 Feb 2025 10:05:44 +0100"),
    Market("amazon.fr", "fr", "eu", "402-1183395-6620417", "Le Creuset Cocotte 24 cm", "31,90 €", "31.90", "EUR",
           "Camille Martin", "Camille Martin <camille.martin@home.example>", "Thu, 13 Feb 2025 18:31:02 +0100"),
    Market("amazon.it", "it", "eu", "405-6628103-9917250", "Caffè Borbone Capsule x100", "27,50 €", "27.50", "EUR",
           "Giulia Rossi", "Giulia Rossi <giulia.rossi@home.example>", "Fri, 21 Feb 2025 12:48:37 +0100"),
    Market("amazon.es", "es", "eu", "171-2209884-4413096", "Taurus Tostadora 2 ranuras", "45,99 €", "45.99", "EUR",
           "Lucía García", "=?UTF-8?Q?Luc=C3=ADa_Garc=C3=ADa?= <lucia.garcia@home.example>", "Sun, 02 Mar 2025 21:14:09 +0100"),
    Market("amazon.ca", "en", "us", "702-5519843-1108834", "Stanley Quencher 40 oz", "CDN$ 58.74", "58.74", "CAD", "Liam",
           "Liam Tremblay <liam.tremblay@home.example>", "Tue, 11 Mar 2025 09:55:23 -0400"),
    Market("amazon.com.au", "en", "fe", "250-0089163-7742519", "Breville Milk Cafe Frother", "$64.00", "64.00", "AUD",
           "Olivia", "Olivia Brown <olivia.brown@home.example>", "Wed, 19 Mar 2025 14:07:48 +1100"),
    Market("amazon.in", "en", "eu", "408-3362718-5521940", "boAt Airdopes 141", "₹1,299.00", "1299", "INR", "Priya",
           "Priya Sharma <priya.sharma@home.example>", "Thu, 27 Mar 2025 11:33:15 +0530"),
    Market("amazon.com.mx", "es", "us", "701-6640921-3358174", "Hamilton Beach Licuadora", "$1,249.00", "1249", "MXN",
           "Sofía Hernández", "=?UTF-8?Q?Sof=C3=ADa_Hern=C3=A1ndez?= <sofia.hernandez@home.example>",
           "Fri, 04 Apr 2025 17:26:40 -0600"),
    Market("amazon.com.br", "pt", "us", "701-2284517-9936601", "Garrafa Térmica Stanley 1L", "R$ 189,90", "189.90", "BRL",
           "João Souza", "=?UTF-8?Q?Jo=C3=A3o_Souza?= <joao.souza@home.example>", "Sat, 12 Apr 2025 13:02:57 -0300"),
    Market("amazon.nl", "nl", "eu", "403-7713305-2268840", "Philips Waterkoker 1,7 l", "€ 22,95", "22.95", "EUR",
           "Daan de Vries", "Daan de Vries <daan.devries@home.example>", "Mon, 21 Apr 2025 08:44:31 +0200"),
    Market("amazon.se", "sv", "eu", "404-1150938-6627713", "Fiskars Brödkniv", "349,00 kr", "349", "SEK",
           "Elsa Lindqvist", "Elsa Lindqvist <elsa.lindqvist@home.example>", "Tue, 29 Apr 2025 19:09:12 +0200"),
    Market("amazon.pl", "pl", "eu", "406-8825514-3304176", "Zestaw garnków Tefal", "129,99 zł", "129.99", "PLN",
           "Anna Kowalska", "Anna Kowalska <anna.kowalska@home.example>", "Wed, 07 May 2025 16:51:06 +0200"),
    Market("amazon.com.tr", "tr", "eu", "407-2267190-8813359", "Karaca Çay Makinesi", "459,90 TL", "459.90", "TRY",
           "Elif Yılmaz", "=?UTF-8?Q?Elif_Y=C4=B1lmaz?= <elif.yilmaz@home.example>", "Thu, 15 May 2025 20:18:44 +0300"),
    Market("amazon.ae", "en", "eu", "402-5583301-7746028", "Tefal Air Fryer 4.2L", "AED 199.00", "199", "AED", "Omar",
           "Omar Haddad <omar.haddad@home.example>", "Fri, 23 May 2025 10:37:29 +0400"),
    Market("amazon.sa", "ar", "eu", "405-9926417-1180354", "ترمس قهوة 1 لتر", "SAR 149.00", "149", "SAR", "نورة",
           "=?UTF-8?B?2YbZiNix2Kk=?= <noura.alharbi@home.example>", "Sat, 31 May 2025 21:03:50 +0300"),
    Market("amazon.sg", "en", "fe", "503-3310876-2259481", "Xiaomi Smart Band 9", "S$39.90", "39.90", "SGD", "Wei Ling",
           "Tan Wei Ling <weiling.tan@home.example>", "Sun, 08 Jun 2025 12:26:14 +0800"),
    Market("amazon.eg", "ar", "eu", "406-4471029-6653817", "غلاية كهربائية توشيبا", "EGP 850.00", "850", "EGP", "أحمد",
           "=?UTF-8?B?2KPYrdmF2K8=?= <ahmed.mostafa@home.example>", "Mon, 16 Jun 2025 15:44:02 +0300"),
    Market("amazon.com.be", "fr", "eu", "403-6603318-2971145", "Côte d'Or Pralinés 500 g", "36,40 €", "36.40", "EUR",
           "Lucas Dubois", "Lucas Dubois <lucas.dubois@home.example>", "Tue, 24 Jun 2025 09:19:38 +0200"),
    Market("amazon.ie", "en", "eu", "404-7782215-3340691", "Barry's Tea Gold Blend 160", "€54.99", "54.99", "EUR", "Aoife",
           "Aoife Byrne <aoife.byrne@home.example>", "Wed, 02 Jul 2025 18:58:21 +0100"),
]


def _order_mail(m: Market, path: str) -> Spec:
    w = WORDS[m.lang]
    site = m.domain[0].upper() + m.domain[1:]
    base = f"https://www.{m.domain}"
    details = f"{base}/gp/css/order-details?orderID={m.oid}&ref_=pe_{token(path, 8, '0123456789')}_TE_od"
    history = f"{base}/gp/css/order-history?ref_=pe_TE_oh"
    subject = w.subject.format(site=site, oid=m.oid, item=m.item)
    text = (f"{site}\n\n{w.greet.format(name=m.name)}\n\n{w.thanks.format(site=site)}\n\n{w.order_no} {m.oid}\n\n"
            f"* {m.item}\n  {w.qty}: 1\n  {m.amount}\n\n{w.total} {m.amount}\n\n{w.view}\n{details}\n\n{w.history}\n{history}\n\n"
            f"{w.bye}\n{base}\n\n©2025 Amazon.com, Inc. or its affiliates.\n")
    direction = " dir=\"rtl\"" if w.rtl else ""
    html = page([f"<span{direction}>{w.greet.format(name=m.name)}</span>", f"<span{direction}>{w.thanks.format(site=site)}</span>",
                 f"<b>{w.order_no}</b> <a href=\"{details}\">{m.oid}</a>",
                 f"{m.item}<br>{w.qty}: 1<br>{m.amount}", f"<b>{w.total} {m.amount}</b>"],
                button=(details, w.view), links=[(history, w.history), (base, site)], lang=m.lang, title=site,
                logo=f"https://m.media-amazon.com/images/G/01/email/amazon-logo-{m.domain.replace('.', '-')}._CB1_.png",
                footer="©2025 Amazon.com, Inc. or its affiliates.")
    return amazon_mail(path, f"verdict=genuine; kind=order; order={m.oid}; total={m.total}; currency={m.currency}",
                       domain=m.domain, local="auto-confirm", name=site, subject=subject, date=m.date, to=m.to,
                       region=m.region, text=text, html=html, cte="base64" if m.lang in ("ar", "ja") else "quoted-printable")


def genuine_specs() -> list[Spec]:
    d = "genuine_marketplaces/"
    out = [_order_mail(m, f"{d}order-{m.domain.replace('.', '-')}-{m.lang}.eml") for m in MARKETS]
    out.append(amazon_mail(
        d + "amazon-pay-jp-receipt.eml", "verdict=genuine; kind=order; order=P01-6613827-2208164; total=6270; currency=JPY",
        domain="amazon.co.jp", local="no-reply", name="Amazon Pay", subject="Amazon Pay ご利用内容の確認（ひだまり珈琲店）",
        date="Thu, 10 Jul 2025 20:41:06 +0900", to=TARO,
        text=("山田 太郎 様\n\nAmazon Pay をご利用いただき、ありがとうございます。\n\nご利用先: ひだまり珈琲店 オンラインストア\n"
              "Amazon Pay 注文番号: P01-6613827-2208164\nご利用金額: ￥6,270\nお支払い方法: Visa 末尾 4821\n\n"
              "ご利用内容の確認: https://pay.amazon.co.jp/jp/your-account/orders?ref_=apay_ec\n\n"
              "このメールは送信専用です。\nAmazon Pay\n")))
    out.append(amazon_mail(
        d + "amazon-pay-com-receipt-en.eml", "verdict=genuine; kind=order; order=P01-2219954-8830716; total=42.50; currency=USD",
        domain="amazonpay.com", local="no-reply", name="Amazon Pay", subject="Your Amazon Pay receipt: Cascade Coffee Roasters",
        date="Fri, 18 Jul 2025 11:22:39 -0700", to=ALEX, region="us",
        text=("Hello Alex,\n\nYou paid Cascade Coffee Roasters with Amazon Pay.\n\nAmazon Pay order reference: "
              "P01-2219954-8830716\nAmount: $42.50\nPayment method: Visa ending in 4821\n\n"
              "View your payment: https://pay.amazon.com/us/your-account/orders\n\nAmazon Pay\n")))
    out.append(amazon_mail(
        d + "aws-billing-statement-en.eml", "verdict=genuine; kind=payment",
        domain="amazon.com", local="aws-billing", name="Amazon Web Services",
        subject="Amazon Web Services Billing Statement Available [Account: ********3316]",
        date="Sat, 02 Aug 2025 09:15:00 +0000", to=ALEX, region="us",
        text=("Greetings from Amazon Web Services,\n\nThis e-mail confirms that your latest billing statement, for the account "
              "ending in ********3316, is available on the AWS web site. Your account will be charged the following:\n\n"
              "Total: $14.37\n\nYou can see a complete breakdown of all charges on the Billing page:\n"
              "https://console.aws.amazon.com/billing/home#/bills\n\nSincerely,\nAmazon Web Services\n")))
    out.append(amazon_mail(
        d + "aws-signin-verification-code-en.eml", "verdict=genuine; kind=security",
        domain="signin.aws", local="no-reply", name="AWS", subject="AWS sign-in verification code",
        date="Sun, 10 Aug 2025 06:48:12 +0000", to=ALEX, region="us",
        text=("Amazon Web Services\n\nVerify your identity\n\nWe noticed an attempt to sign in to your AWS account. "
              "To finish signing in, enter this verification code:\n\n684217\n\nThis code expires in 10 minutes. "
              "If you did not try to sign in, change your password at https://console.aws.amazon.com/\n")))
    out.append(amazon_mail(
        d + "kindle-ebook-order-com-en.eml", "verdict=genuine; kind=order; order=D01-5528710-3361942; total=11.99; currency=USD",
        domain="amazon.com", local="digital-no-reply", name="Amazon.com", subject="Amazon.com order of The Midnight Library.",
        date="Tue, 19 Aug 2025 22:03:47 -0700", to=ALEX, region="us",
        text=("Amazon.com\n\nDigital Order: D01-5528710-3361942\n\nThank you for shopping with us. Your Kindle book is "
              "ready on your Kindle devices and apps.\n\nThe Midnight Library: A Novel (Kindle Edition)\nSold by Amazon.com "
              "Services LLC\n$11.99\n\nGrand Total: $11.99\n\nRead now: https://read.amazon.com/?asin=B084FMB8G4\n"
              "Manage your content: https://www.amazon.com/hz/mycd/digital-console/contentlist/booksAll\n")))
    out.append(amazon_mail(
        d + "audible-co-jp-membership-payment-ja.eml", "verdict=genuine; kind=payment",
        domain="audible.co.jp", local="no-reply", name="Audible", subject="Audible会員 月額料金のお支払いについて",
        date="Mon, 01 Sep 2025 07:00:12 +0900", to=TARO,
        text=("山田 太郎 様\n\nいつもAudibleをご利用いただき、ありがとうございます。\n\n"
              "今月の会費 1,500円 を、ご登録のお支払い方法に"
              "請求いたしました。\n\nアカウントの詳細: https://www.audible.co.jp/account/overview\n\nAudible\n")))
    out.append(amazon_mail(
        d + "audible-com-welcome-en.eml", "verdict=genuine; kind=other",
        domain="audible.com", local="donotreply", name="Audible", subject="Welcome to Audible Premium Plus",
        date="Wed, 10 Sep 2025 16:30:45 -0400", to=ALEX, region="us",
        html=page(["Hi Alex,", "Welcome to Premium Plus. Every month you get 1 credit to keep any title, plus the "
                   "Plus Catalog to listen to as much as you like."],
                  button=("https://www.audible.com/library/titles", "Go to your Library"),
                  links=[("https://www.audible.com/account/overview", "Account details")], lang="en",
                  footer="Audible, Inc. Newark, NJ")))
    out.append(amazon_mail(
        d + "prime-video-purchase-en.eml", "verdict=genuine; kind=order; order=D01-7740218-1196325; total=3.99; currency=USD",
        domain="primevideo.com", local="no-reply", name="Prime Video", subject="Your Prime Video purchase: Dune: Part Two",
        date="Fri, 19 Sep 2025 20:12:09 +0000", to=ALEX, region="us",
        text=("Prime Video\n\nThanks for your purchase.\n\nDune: Part Two (Rent, HD)\nOrder #: D01-7740218-1196325\n"
              "Total: $3.99\n\nWatch now: https://www.primevideo.com/detail/0QSJ2RDZVBMDKDTQYWXQ8NDS0K\n"
              "Your orders: https://www.primevideo.com/settings/your-orders\n")))
    return out


# ---------------------------------------------------------------------------------------------
# genuine orders delivered to a company mailbox whose gateway rewrote every link
# ---------------------------------------------------------------------------------------------

def _m365_genuine(path: str, expect: str, *, domain: str, local: str, name: str, subject: str, date: str, to: str,
                  text: str, html: str, gateway=None, ip: str = "54.240.27.224") -> Spec:
    bounce = f"{token(path, 20, '0123456789abcdef')}@bounces.{domain}"
    auth = m365_auth(spf="pass", mailfrom=f"bounces.{domain}", ip=ip, dkim="pass", dkim_d=domain, dmarc="pass",
                     header_from=domain)
    headers: list[tuple[str, str]] = [
        ("Return-Path", f"<{bounce}>"),
        ("Received", f"from OS3PR01MB8123.jpnprd01.prod.outlook.com (2603:1096:604:1a2::9) by\n TYCPR01MB11456.jpnprd01.prod."
                     f"outlook.com with HTTPS; {date}"),
        ("Received", f"from TY2PEPF0000AB12.jpnprd01.prod.outlook.com (2603:1096:404:8018:cafe::4a) by\n OS3PR01MB8123."
                     "jpnprd01.prod.outlook.com (2603:1096:604:1a2::9) with Microsoft SMTP Server (version=TLS1_2,\n "
                     f"cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.18; {date}"),
        ("Authentication-Results", auth),
        ("Received-SPF", f"Pass (protection.outlook.com: domain of bounces.{domain} designates\n {ip} as permitted sender) "
                         f"receiver=protection.outlook.com; client-ip={ip};\n helo=a27-224.smtp-out.us-west-2.amazonses.com; pr=C"),
    ]
    headers += gateway(date) if gateway else []
    headers += [
        ("Received", received("a27-224.smtp-out.us-west-2.amazonses.com", ip, "TY2PEPF0000AB12.mail.protection.outlook.com",
                              path, date, software="Microsoft SMTP Server")),
        ("DKIM-Signature", dkim_signature(domain, path + "d")),
        ("DKIM-Signature", dkim_signature("amazonses.com", path + "s")),
        ("Date", date), ("From", mailbox(name, f"{local}@{domain}")), ("To", to), ("Subject", header_text(subject)),
        ("Message-ID", f"<0{token(path, 15, HEX)}-{token(path + 'm', 8, HEX)}-000000@email.amazonses.com>"),
        ("Feedback-ID", f"1.us-west-2.{b64(path, 43)}=:AmazonSES"),
    ]
    headers += exchange_headers(path, date, scl=1, ip=ip, lang="ja" if domain.endswith(".jp") else "en")
    return Spec(path, expect, headers, text, html)


def _jp_order(oid: str, item: str, amount: str, wrap, name: str = "山田 太郎") -> tuple[str, str]:
    details = f"https://www.amazon.co.jp/gp/css/order-details?orderID={oid}&ref_=pe_1234_TE_od"
    history = "https://www.amazon.co.jp/gp/css/order-history?ref_=pe_TE_oh"
    text = (f"Amazon.co.jp\n\n{name} 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n注文番号 {oid}\n\n* {item}\n"
            f"  数量: 1\n  {amount}\n\n"
            f"注文合計 {amount}\n\n注文を表示または変更する\n{wrap(details)}\n\n注文履歴\n{wrap(history)}\n")
    html = page([f"{name} 様", "Amazon.co.jp をご利用いただき、ありがとうございます。", f"<b>注文番号</b> {oid}",
                 f"{item}<br>数量: 1<br>{amount}", f"<b>注文合計 {amount}</b>"],
                button=(wrap(details), "注文を表示または変更する"),
                links=[(wrap(history), "注文履歴"), (wrap("https://www.amazon.co.jp/"), "https://www.amazon.co.jp/")],
                title="Amazon.co.jp")
    return text, html


def _us_order(oid: str, item: str, amount: str, wrap) -> tuple[str, str]:
    details = f"https://www.amazon.com/gp/your-account/order-details?orderID={oid}&ref_=pe_2640190_T1"
    text = (f"Amazon.com\n\nHello Alex,\n\nThank you for shopping with us.\n\nOrder #{oid}\n\n* {item}\n  Quantity: 1\n"
            f"  {amount}\n\nOrder Total: {amount}\n\nView or manage order\n{wrap(details)}\n")
    html = page(["Hello Alex,", "Thank you for shopping with us.", f"<b>Order #</b>{oid}", f"{item}<br>Quantity: 1<br>{amount}",
                 f"<b>Order Total: {amount}</b>"], button=(wrap(details), "View or manage order"),
                links=[(wrap("https://www.amazon.com/gp/css/order-history"), "https://www.amazon.com/gp/css/order-history")],
                lang="en", title="Amazon.com")
    return text, html


def proofpoint_hops(date: str) -> list[tuple[str, str]]:
    return [("X-Proofpoint-Virus-Version", "vendor=baseguard\n engine=ICAP:2.0.293,Aquarius:18.0.1124,Hydra:6.0.680,"
             "FMLib:17.12.28.16\n definitions=2025-03-18_05,2025-03-17_03,2025-03-18_01 signatures=0"),
            ("X-Proofpoint-Spam-Details", "rule=notspam policy=default score=0 spamscore=0 phishscore=0\n"
             " bulkscore=12 classifier=spam adjust=0 reason=mlx scancount=1 engine=8.19.0-2502280000"),
            ("Received", "from mx0a-00190b01.pphosted.com (mx0a-00190b01.pphosted.com [148.163.156.20])\n\tby "
             f"TY2PEPF0000AB12.mail.protection.outlook.com with ESMTPS; {date}")]


def mimecast_hops(date: str) -> list[tuple[str, str]]:
    return [("X-MC-Unique", f"{token(date, 22, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_')}-1"),
            ("X-Mimecast-Spam-Score", "0"), ("X-Mimecast-MFC-AGG-ID", "us-smtp-delivery-1"),
            ("Received", "from us-smtp-delivery-1.mimecast.com (us-smtp-delivery-1.mimecast.com [205.139.110.61])\n\tby "
             f"TY2PEPF0000AB12.mail.protection.outlook.com with ESMTPS; {date}")]


def barracuda_hops(date: str) -> list[tuple[str, str]]:
    return [("X-Barracuda-Connect", "a27-224.smtp-out.us-west-2.amazonses.com[54.240.27.224]"),
            ("X-Barracuda-Spam-Score", "0.00"),
            ("X-Barracuda-Spam-Status", "No, SCORE=0.00 using global scores of TAG_LEVEL=3.5"),
            ("Received", "from esa.ess.barracudanetworks.com (esa.ess.barracudanetworks.com [209.222.82.252])\n\tby "
             f"TY2PEPF0000AB12.mail.protection.outlook.com with ESMTPS; {date}")]


def rewritten_specs() -> list[Spec]:
    d = "genuine_rewritten/"
    out: list[Spec] = []
    oid = "250-7718204-3356901"
    text, html = _jp_order(oid, "無印良品 ポリプロピレン収納ケース", "￥2,490", safelinks)
    out.append(_m365_genuine(
        d + "safelinks-jp-order.eml",
        f"verdict=genuine; kind=order; order={oid}; total=2490; currency=JPY; target=www.amazon.co.jp",
        domain="amazon.co.jp", local="auto-confirm", name="Amazon.co.jp", subject="注文済み: 「無印良品 ポリプロピレン収納ケース」",
        date="Mon, 10 Mar 2025 03:21:55 +0000", to="=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <t.yamada@corp.example>",
        text=text, html=html, gateway=None))
    oid = "114-8820173-6604519"
    text, html = _us_order(oid, "Logitech MX Master 3S Wireless Mouse", "$99.99", proofpoint_v2)
    out.append(_m365_genuine(
        d + "proofpoint-v2-us-order.eml",
        f"verdict=genuine; kind=order; order={oid}; total=99.99; currency=USD; target=www.amazon.com",
        domain="amazon.com", local="auto-confirm", name="Amazon.com", subject=f"Your Amazon.com order #{oid}",
        date="Tue, 18 Mar 2025 02:11:09 +0000", to="Alex Morgan <alex.morgan@corp.example>", text=text, html=html,
        gateway=proofpoint_hops))
    oid = "249-1106638-7720155"
    text, html = _jp_order(oid, "アイリスオーヤマ 電気ケトル 1.0L", "￥3,980", proofpoint_v3)
    out.append(_m365_genuine(
        d + "proofpoint-v3-jp-order.eml",
        f"verdict=genuine; kind=order; order={oid}; total=3980; currency=JPY; target=www.amazon.co.jp",
        domain="amazon.co.jp", local="auto-confirm", name="Amazon.co.jp", subject="注文済み: 「アイリスオーヤマ 電気ケトル 1.0L」",
        date="Wed, 26 Mar 2025 09:40:31 +0000", to="=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <t.yamada@corp.example>",
        text=text, html=html, gateway=proofpoint_hops))
    oid = "503-2280917-4451136"
    text, html = _jp_order(oid, "KINTO トラベルタンブラー 350ml", "￥3,300", lambda url: mimecast("www.amazon.co.jp"))
    out.append(_m365_genuine(
        d + "mimecast-jp-order.eml", f"verdict=genuine; kind=order; order={oid}; total=3300; currency=JPY; target=www.amazon.co.jp",
        domain="amazon.co.jp", local="auto-confirm", name="Amazon.co.jp", subject="注文済み: 「KINTO トラベルタンブラー 350ml」",
        date="Fri, 04 Apr 2025 05:44:22 +0000", to="=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <t.yamada@corp.example>",
        text=text, html=html, gateway=mimecast_hops))
    oid = "112-5539018-2207746"
    text, html = _us_order(oid, "OXO Good Grips 3-Piece Mixing Bowl Set", "$34.95", barracuda)
    out.append(_m365_genuine(
        d + "barracuda-us-order.eml", f"verdict=genuine; kind=order; order={oid}; total=34.95; currency=USD; target=www.amazon.com",
        domain="amazon.com", local="auto-confirm", name="Amazon.com", subject=f"Your Amazon.com order #{oid}",
        date="Mon, 14 Apr 2025 16:02:44 +0000", to="Alex Morgan <alex.morgan@corp.example>", text=text, html=html,
        gateway=barracuda_hops))
    oid = "250-9931275-0084413"
    text, html = _jp_order(oid, "ロジクール ワイヤレスキーボード K295", "￥3,091", lambda url: safelinks(proofpoint_v3(url)))
    out.append(_m365_genuine(
        d + "safelinks-over-proofpoint-v3-jp-order.eml",
        f"verdict=genuine; kind=order; order={oid}; total=3091; currency=JPY; target=www.amazon.co.jp",
        domain="amazon.co.jp", local="auto-confirm", name="Amazon.co.jp", subject=
        "注文済み: 「ロジクール ワイヤレスキーボード K295」",
        date="Thu, 24 Apr 2025 07:18:03 +0000", to="=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <t.yamada@corp.example>",
        text=text, html=html, gateway=proofpoint_hops))
    return out
