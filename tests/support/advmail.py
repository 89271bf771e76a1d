"""Building blocks for the adversarial mails: raw headers written exactly as given (so a test can put
two From headers, group syntax or a forged Authentication-Results where an attacker would), encoded
words, Received chains, Authentication-Results of the user's server or of Microsoft 365, and MIME
bodies in UTF-8 (quoted-printable, base64, 8bit) or ISO-2022-JP.

Everything is deterministic: the same spec always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import quopri
from dataclasses import dataclass, field

HOME = "mx.home.example"  # the user's own mail server (its Authentication-Results are the trusted ones)
HOME_IP = "192.0.2.25"


def token(seed: str, length: int = 16, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
    """A stable pseudo-random string for ids, selectors and signatures."""
    digest = hashlib.sha256(seed.encode()).digest()
    out = []
    while len(out) < length:
        for byte in digest:
            out.append(alphabet[byte % len(alphabet)])
        digest = hashlib.sha256(digest).digest()
    return "".join(out[:length])


def b64(seed: str, length: int) -> str:
    return token(seed, length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def encoded_word(text: str, charset: str = "utf-8", how: str = "B") -> str:
    """One or more RFC 2047 encoded words (folded onto continuation lines)."""
    if charset.lower() == "iso-2022-jp":
        chunks, current = [], ""
        for ch in text:  # each chunk is encoded on its own, so it must start and end in ASCII mode
            if len((current + ch).encode("iso2022_jp")) > 45:
                chunks.append(current)
                current = ""
            current += ch
        chunks.append(current)
        words = [f"=?ISO-2022-JP?B?{base64.b64encode(c.encode('iso2022_jp')).decode()}?=" for c in chunks if c]
        return "\n ".join(words)
    pieces, current = [], b""
    for ch in text:
        b = ch.encode(charset)
        if len(current + b) > 42:
            pieces.append(current)
            current = b""
        current += b
    pieces.append(current)
    if how.upper() == "Q":
        def q(piece: bytes) -> str:
            return "".join(chr(c) if (chr(c).isalnum() and c < 128) else "_" if c == 32 else f"={c:02X}" for c in piece)
        return "\n ".join(f"=?{charset.upper()}?Q?{q(p)}?=" for p in pieces if p)
    return "\n ".join(f"=?{charset.upper()}?B?{base64.b64encode(p).decode()}?=" for p in pieces if p)


def header_text(text: str, charset: str = "utf-8") -> str:
    """ASCII text as it is; anything else as encoded words."""
    return text if text.isascii() else encoded_word(text, charset)


def mailbox(name: str, addr: str, charset: str = "utf-8") -> str:
    """``"Name" <addr>`` with the name quoted or encoded as needed."""
    if not name:
        return f"<{addr}>"
    if not name.isascii():
        return f"{encoded_word(name, charset)} <{addr}>"
    if any(c in name for c in '()<>[]:;@\\,."'):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}" <{addr}>'
    return f"{name} <{addr}>"


def received(helo: str, ip: str, by: str, seed: str, date: str, *, rcpt: str = "", proto: str = "ESMTPS",
             software: str = "Postfix") -> str:
    tls = " (TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))" if proto == "ESMTPS" else ""
    rdns = helo if not helo.startswith("[") else "unknown"
    line = f"from {helo} ({rdns} [{ip}])\n\tby {by} ({software}) with {proto}{tls} id {token(seed, 12).upper()}"
    if rcpt:
        line += f"\n\tfor <{rcpt}>"
    return f"{line}; {date}"


SIGNED = "From:To:Subject:Date:Message-ID:MIME-Version:Content-Type"


def dkim_signature(domain: str, seed: str, selector: str = "", signed: str = SIGNED) -> str:
    selector = selector or token(seed + "s", 32)
    b = b64(seed + "b", 342)
    body_hash = b64(seed + "bh", 43) + "="
    lines = [b[i:i + 70] for i in range(0, len(b), 70)]
    return (f"v=1; a=rsa-sha256; q=dns/txt; c=relaxed/simple;\n\ts={selector}; d={domain}; t=1730000000;\n"
            f"\th={signed};\n\tbh={body_hash};\n\tb=" + "\n\t ".join(lines) + "==")


def auth_results(authserv: str = HOME, *, spf: tuple[str, str] | None = None, dkim: list[tuple[str, str]] | None = None,
                 dmarc: tuple[str, str] | None = None, ip: str = "198.51.100.7", extra: list[str] | None = None) -> str:
    """An RFC 8601 header as a Postfix/OpenDKIM/OpenDMARC server writes it.

    spf=(result, envelope sender), dkim=[(result, d=)], dmarc=(result, header.from).
    """
    parts = [authserv]
    for result, d in dkim or [("none", "")]:
        if result == "none":
            parts.append("dkim=none (message not signed)")
        else:
            why = " (2048-bit key; unprotected)" if result == "pass" else " (1024-bit key; signature verification failed)"
            parts.append(f"dkim={result}{why} header.d={d} header.i=@{d} header.s={token(d + 'sel', 10)} header.b=\"{b64(d, 8)}\"")
    if spf:
        result, sender = spf
        verb = "designates" if result == "pass" else "does not designate"
        parts.append(f"spf={result} ({authserv}: domain of {sender} {verb} {ip} as permitted sender) smtp.mailfrom={sender}")
    if dmarc:
        result, frm = dmarc
        disposition = "NONE" if result == "pass" else "QUARANTINE"
        parts.append(f"dmarc={result} (p=QUARANTINE sp=QUARANTINE dis={disposition}) header.from={frm}")
    parts += extra or []
    return ";\n\t".join(parts)


def m365_auth(*, spf: str, mailfrom: str, ip: str, dkim: str, dkim_d: str, dmarc: str, header_from: str,
              action: str = "", compauth: str = "", reason: str = "") -> str:
    """Microsoft 365's Authentication-Results: no authserv-id, results separated by ';' without spaces."""
    dkim_comment = {"none": "message not signed", "pass": "signature was verified",
                    "fail": "signature did not verify"}.get(dkim, dkim)
    action = action or ("none" if dmarc == "pass" else "quarantine")
    compauth = compauth or ("pass" if dmarc == "pass" else "fail")
    reason = reason or ("100" if compauth == "pass" else "000")
    return (f"spf={spf} (sender IP is {ip})\n smtp.mailfrom={mailfrom}; dkim={dkim} ({dkim_comment})\n header.d={dkim_d};"
            f"dmarc={dmarc} action={action} header.from={header_from};compauth={compauth}\n reason={reason}")


def exchange_headers(seed: str, date: str, *, scl: int = 1, ip: str = "54.240.27.224",
                     helo: str = "a27-224.smtp-out.us-west-2.amazonses.com", lang: str = "ja",
                     tenant: str = "corp.example") -> list[tuple[str, str]]:
    """The X-MS-Exchange-* / X-Forefront-* set Microsoft 365 adds on delivery."""
    hexa = "0123456789abcdef"
    guid = "-".join(token(seed + f"g{i}", n, hexa) for i, n in enumerate((8, 4, 4, 4, 12)))
    tenant_id = "-".join(token(tenant + f"t{i}", n, hexa) for i, n in enumerate((8, 4, 4, 4, 12)))
    verdict = "SPM" if scl >= 5 else "NSPM"
    return [
        ("X-MS-Exchange-Organization-ExpirationStartTime", date),
        ("X-MS-Exchange-Organization-Network-Message-Id", guid),
        ("X-MS-Exchange-Organization-AuthSource", "TY2PEPF0000AB12.jpnprd01.prod.outlook.com"),
        ("X-MS-Exchange-Organization-AuthAs", "Anonymous"),
        ("X-MS-PublicTrafficType", "Email"),
        ("X-MS-TrafficTypeDiagnostic", "TY2PEPF0000AB12:EE_|OS3PR01MB8123:EE_"),
        ("X-MS-Exchange-Organization-SCL", str(scl)),
        ("X-Microsoft-Antispam", "BCL:0;ARA:13230040|1800799024|4022899009|8096899003;"),
        ("X-Forefront-Antispam-Report",
         f"CIP:{ip};CTRY:US;LANG:{lang};SCL:{scl};SRV:;IPV:NLI;SFV:{verdict};H:{helo};\n PTR:{helo};CAT:"
         f"{'SPOOF' if scl >= 5 else 'NONE'};SFS:(13230040)(1800799024)(4022899009);DIR:INB;"),
        ("X-MS-Exchange-CrossTenant-OriginalArrivalTime", date),
        ("X-MS-Exchange-CrossTenant-Network-Message-Id", guid),
        ("X-MS-Exchange-CrossTenant-Id", tenant_id),
        ("X-MS-Exchange-CrossTenant-AuthSource", "TY2PEPF0000AB12.jpnprd01.prod.outlook.com"),
        ("X-MS-Exchange-CrossTenant-AuthAs", "Anonymous"),
        ("X-MS-Exchange-CrossTenant-FromEntityHeader", "Internet"),
        ("X-MS-Exchange-Transport-CrossTenantHeadersStamped", "OS3PR01MB8123"),
        ("X-MS-Exchange-Transport-EndToEndLatency", "00:00:02.1480311"),
        ("X-MS-Exchange-Processed-By-BccFoldering", "15.20.7544.041"),
    ]


@dataclass
class Spec:
    """One labelled mail. ``headers`` go out in order and as written (the label goes first)."""

    path: str  # relative to tests/adversarial/
    expect: str  # the X-Lockwatch-Expect value
    headers: list[tuple[str, str]]
    text: str | None = None
    html: str | None = None
    charset: str = "utf-8"  # utf-8 | iso-2022-jp
    cte: str = "quoted-printable"  # quoted-printable | base64 | 8bit | 7bit
    crlf: bool = False
    preamble: bool = True
    extra_parts: list[tuple[str, str]] = field(default_factory=list)  # (content-type line, body) after the text


def _encode(body: str, charset: str, cte: str) -> tuple[str, str]:
    """(Content-Transfer-Encoding, encoded body)."""
    if charset.lower() == "iso-2022-jp":
        return "7bit", body.encode("iso2022_jp").decode("ascii")
    data = body.encode(charset)
    if cte == "base64":
        return cte, base64.encodebytes(data).decode("ascii")
    if cte == "quoted-printable":
        return cte, quopri.encodestring(data).decode("ascii")
    if cte == "7bit" and not data.isascii():
        raise ValueError("7bit body with non-ASCII text")
    return cte, data.decode(charset)


def _part(ctype: str, body: str, charset: str, cte: str) -> str:
    used, encoded = _encode(body, charset, cte)
    label = "ISO-2022-JP" if charset.lower() == "iso-2022-jp" else charset
    return f"Content-Type: {ctype}; charset=\"{label}\"\nContent-Transfer-Encoding: {used}\n\n{encoded.rstrip()}\n"


def render(spec: Spec) -> bytes:
    """The spec as the bytes of an .eml file."""
    head = [f"X-Lockwatch-Expect: {spec.expect}"] + [f"{name}: {value}" for name, value in spec.headers]
    head.append("MIME-Version: 1.0")
    parts = []
    if spec.text is not None:
        parts.append(("text/plain", spec.text))
    if spec.html is not None:
        parts.append(("text/html", spec.html))
    if len(parts) == 1 and not spec.extra_parts:
        ctype, body = parts[0]
        used, encoded = _encode(body, spec.charset, spec.cte)
        label = "ISO-2022-JP" if spec.charset.lower() == "iso-2022-jp" else spec.charset
        head += [f"Content-Type: {ctype}; charset=\"{label}\"", f"Content-Transfer-Encoding: {used}"]
        out = "\n".join(head) + "\n\n" + encoded.rstrip() + "\n"
    else:
        boundary = "----=_Part_" + token(spec.path, 7, "0123456789") + "_" + token(spec.path + "b", 10, "0123456789")
        alt = "\n".join(f"--{boundary}\n" + _part(ctype, body, spec.charset, spec.cte) for ctype, body in parts)
        kind = "alternative"
        if spec.extra_parts:
            kind = "mixed"
            inner = "alt_" + boundary[6:]
            alt = (f"--{boundary}\nContent-Type: multipart/alternative; boundary=\"{inner}\"\n\n"
                   + alt.replace(f"--{boundary}", f"--{inner}") + f"\n--{inner}--\n")
            for ctype, body in spec.extra_parts:
                alt += f"\n--{boundary}\n{ctype}\n\n{body.rstrip()}\n"
        head.append(f"Content-Type: multipart/{kind};\n\tboundary=\"{boundary}\"")
        pre = "This is a multi-part message in MIME format.\n\n" if spec.preamble else ""
        out = "\n".join(head) + "\n\n" + pre + alt + f"\n--{boundary}--\n"
    if spec.crlf:
        out = out.replace("\r\n", "\n").replace("\n", "\r\n")
    data = out.encode("utf-8") if spec.cte == "8bit" else out.encode("ascii", "strict") if out.isascii() else out.encode("utf-8")
    return data


TARO = "=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro.yamada@home.example>"  # 山田 太郎
HANAKO = "=?UTF-8?B?5L2Q6JekIOiKseWtkA==?= <hanako.sato@home.example>"  # 佐藤 花子
ALEX = "Alex Morgan <alex.morgan@home.example>"
EMMA = "Emma Clarke <emma.clarke@home.example>"


def mail(path: str, expect: str, *, frm: str | list[str], subject: str, date: str, host: str, ip: str,
         return_path: str, to: str = TARO, ar: list[str] | None = None, lower: list[tuple[str, str]] | None = None,
         hops: list[str] | None = None, dkim: list[str] | None = None, sender: str = "", reply_to: str = "",
         mid: str = "", extra: list[tuple[str, str]] | None = None, text: str | None = None, html: str | None = None,
         charset: str = "utf-8", cte: str = "quoted-printable", subject_charset: str = "", crlf: bool = False,
         raw_subject: bool = False, before: list[tuple[str, str]] | None = None) -> Spec:
    """A delivered mail: envelope and the user's server on top, the sender's own headers below."""
    rcpt = to.rpartition("<")[2].rstrip(">")
    headers: list[tuple[str, str]] = [("Return-Path", f"<{return_path}>"), ("Delivered-To", rcpt)]
    headers += before or []
    headers += [("Authentication-Results", value) for value in (ar or [])]
    headers.append(("Received", received(host, ip, HOME, path, date, rcpt=rcpt)))
    headers += lower or []
    for hop in hops or []:
        headers.append(("Received", hop))
    for domain in dkim or []:
        headers.append(("DKIM-Signature", dkim_signature(domain, path + domain)))
    headers.append(("Date", date))
    for value in [frm] if isinstance(frm, str) else frm:
        headers.append(("From", value))
    if sender:
        headers.append(("Sender", sender))
    if reply_to:
        headers.append(("Reply-To", reply_to))
    headers.append(("To", to))
    subj = subject if raw_subject else (encoded_word(subject, subject_charset) if subject_charset else header_text(subject))
    headers.append(("Subject", subj))
    domain = return_path.rpartition("@")[2] or host
    headers.append(("Message-ID", mid or f"<{token(path, 20)}.{token(path + 'm', 8, '0123456789')}@{domain}>"))
    headers += extra or []
    return Spec(path, expect, headers, text, html, charset, cte, crlf)


def own_auth(domain: str, envelope: str, ip: str) -> str:
    """The attacker's own domain fully authenticated at the user's server."""
    return auth_results(spf=("pass", envelope), dkim=[("pass", domain)], dmarc=("pass", domain), ip=ip)


def hop(helo: str, by: str, seed: str, date: str, ip: str = "10.20.30.40") -> str:
    return received(helo, ip, by, seed, date, proto="ESMTPA", software="Postfix")


def page(paragraphs: list[str], *, button: tuple[str, str] | None = None, links: list[tuple[str, str]] | None = None,
         lang: str = "ja", title: str = "", footer: str = "", logo: str = "") -> str:
    """An HTML body styled the way these mails are (white card, yellow button)."""
    body = "".join(f"<p style=\"margin:0 0 14px 0\">{p}</p>\n" for p in paragraphs)
    if button:
        url, label = button
        body += (f"<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\"><tr><td style=\"background:#FFD814;"
                 f"border-radius:20px;padding:10px 22px\"><a href=\"{url}\" style=\"color:#0F1111;text-decoration:none\">"
                 f"{label}</a></td></tr></table>\n")
    for url, shown in links or []:
        body += f"<p style=\"font-size:13px\"><a href=\"{url}\" style=\"color:#007185\">{shown}</a></p>\n"
    head_logo = f"<img src=\"{logo}\" alt=\"\" width=\"110\">" if logo else ""
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            "<style>body{font-family:Arial,'Hiragino Sans',Meiryo,sans-serif;color:#0F1111}</style></head>\n"
            "<body style=\"margin:0;background:#F2F2F2\"><table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr>"
            "<td align=\"center\" style=\"padding:18px 0\">\n<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" "
            f"style=\"background:#FFFFFF;max-width:600px\"><tr><td style=\"padding:22px\">\n{head_logo}\n{body}"
            f"<p style=\"font-size:11px;color:#565959\">{footer}</p>\n</td></tr></table></td></tr></table></body></html>\n")


SES_REGIONS = {"fe": ("ap-northeast-1", "23.251.234"), "us": ("us-west-2", "54.240.27"), "eu": ("eu-west-1", "54.240.7")}


def amazon_mail(path: str, expect: str, *, domain: str, local: str, name: str, subject: str, date: str, to: str,
                region: str = "fe", bounce_domain: str = "", text: str | None = None, html: str | None = None,
                charset: str = "utf-8", cte: str = "quoted-printable", extra: list[tuple[str, str]] | None = None,
                ar: list[str] | None = None, top: list[tuple[str, str]] | None = None, name_charset: str = "utf-8",
                subject_charset: str = "", dkim_domain: str = "") -> Spec:
    """Amazon's own mail as it arrives: sent through Amazon SES, signed by the sender domain and
    amazonses.com, aligned DMARC pass at the user's server (unless ``ar`` replaces it)."""
    rcpt = to.rpartition("<")[2].rstrip(">")
    ses, net = SES_REGIONS[region]
    last = int(token(path, 3, "0123456789")) % 200 + 20
    ip = f"{net}.{last}"
    dkim_domain = dkim_domain or domain
    bounce = f"{date[5:16].replace(' ', '')}{token(path, 12, '0123456789abcdef')}@{bounce_domain or 'bounces.' + domain}"
    headers: list[tuple[str, str]] = [("Return-Path", f"<{bounce}>"), ("Delivered-To", rcpt)]
    headers += top or []
    default_ar = auth_results(spf=("pass", bounce), dkim=[("pass", dkim_domain), ("pass", "amazonses.com")],
                              dmarc=("pass", domain), ip=ip)
    headers += [("Authentication-Results", v) for v in (ar if ar is not None else [default_ar])]
    host = f"a{net.split('.')[-1]}-{last}.smtp-out.{ses}.amazonses.com"
    headers.append(("Received", received(host, ip, HOME, path, date, rcpt=rcpt)))
    headers.append(("Received", f"from {ses}.amazon.internal (ip-10-0-{last}-12.{ses}.compute.internal [10.0.{last}.12])\n"
                                f"\tby {host} with SMTP id {token(path + 'ses', 16)}; {date}"))
    headers.append(("DKIM-Signature", dkim_signature(dkim_domain, path + "d")))
    headers.append(("DKIM-Signature", dkim_signature("amazonses.com", path + "ses",
                                                     signed="Date:From:To:Message-ID:Subject:MIME-Version:Content-Type:Feedback-ID")))
    headers.append(("Date", date))
    headers.append(("From", mailbox(name, f"{local}@{domain}", name_charset)))
    headers.append(("To", to))
    subj = encoded_word(subject, subject_charset) if subject_charset else header_text(subject)
    headers.append(("Subject", subj))
    headers.append(("Message-ID", f"<0{token(path, 15, '0123456789abcdef')}-{token(path + '1', 8, '0123456789abcdef')}-"
                                  f"{token(path + '2', 4, '0123456789abcdef')}-{token(path + '3', 4, '0123456789abcdef')}-"
                                  f"{token(path + '4', 12, '0123456789abcdef')}-000000@{ses}.amazonses.com>"))
    headers.append(("Feedback-ID", f"1.{ses}.{b64(path, 43)}=:AmazonSES"))
    headers.append(("X-SES-Outgoing", f"{date[12:16]}.01.01-{ip}"))
    headers += extra or []
    return Spec(path, expect, headers, text, html, charset, cte)
