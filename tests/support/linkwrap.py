"""Link rewriting as the mail security gateways do it, for building test mails and unit-test vectors:
Microsoft Safe Links (Outlook, Teams), Proofpoint URL Defense v1/v2/v3, Mimecast, Barracuda."""

from __future__ import annotations

import base64
import string
from urllib.parse import quote


def safelinks(url: str, region: str = "jpn01") -> str:
    data = quote("05|02|taro.yamada@corp.example|8d1f0c2a4b6e4f7a9c3b08dc1a2b3c4d|72f988bf86f141af91ab2d7cd011db47|0|0|"
                 "638512345678901234|Unknown|TWFpbGZsb3d8eyJWIjoiMC4wLjAwMDAifQ==|0|||", safe="")
    return (f"https://{region}.safelinks.protection.outlook.com/?url={quote(url, safe='')}&data={data}"
            f"&sdata={quote('n5xQ8vJ2kF0tYbW9pL3mZcRrE1aUoH7s4dGiKjNqTyM=', safe='')}&reserved=0")


def teams_safelinks(url: str) -> str:
    return ("https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html"
            f"?url={quote(url, safe='')}&locale=ja-jp&dest=https%3A%2F%2Fteams.microsoft.com%2Fv2%2F&pc=ZXhhbXBsZQ")


def proofpoint_v1(url: str) -> str:
    return (f"https://urldefense.proofpoint.com/v1/url?u={quote(url, safe='')}&k=oIvRg1%2BdGAgOoM1BIlLLqw%3D%3D%0A"
            "&r=Xo5tB3TfGxEOmjqnuPe6Kw%3D%3D%0A&m=Pz8ea8fLkB6BHsoUkLG1pzqXJYvDnL1R4iMuGk8e3RQ%3D%0A&s=1b3a0fd2c1e5")


def proofpoint_v2(url: str) -> str:
    """v2: percent-encoding with '-' for '%' and '_' for '/' (so '-' and '_' themselves are escaped)."""
    keep = set(string.ascii_letters + string.digits + ".")
    out = []
    for byte in url.encode("utf-8"):
        ch = chr(byte)
        out.append(ch if ch in keep else "_" if ch == "/" else f"-{byte:02X}")
    return (f"https://urldefense.proofpoint.com/v2/url?u={''.join(out)}&d=DwMFaQ&c=euGZstcaTDllvimEN8b7jXrwqOf-v5A_CdpgnVfiiMM"
            "&r=Jq3GxDt1ZYMzYoZpIoTJ6Q&m=9ThE4CkIXr3dT0bV5wT2sYkR8oNl1aQz3xJ7cU6fE0g&s=Hk2mZ3xQv9wPtYbL5nR8cJ1aS4dF6gT0eW7yU2iO3pA&e=")


_RUN = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def proofpoint_v3(url: str, replace: str = "%#*!$") -> str:
    """v3: the characters in ``replace`` (and non-ASCII ones) become ``*`` (a run of n ≥ 2 becomes
    ``**X``, X = the (n-2)th of A-Z a-z 0-9 - _), and go base64 into the part after ``__;``."""
    chars = list(url)
    out, replaced, i = [], [], 0
    while i < len(chars):
        j = i
        while j < len(chars) and (chars[j] in replace or not chars[j].isascii()):
            j += 1
        run = j - i
        if run == 0:
            out.append(chars[i])
            i += 1
            continue
        run = min(run, len(_RUN) + 1)
        out.append("*" if run == 1 else "**" + _RUN[run - 2])
        replaced += chars[i:i + run]
        i += run
    enc = base64.urlsafe_b64encode("".join(replaced).encode()).decode().rstrip("=")
    return f"https://urldefense.com/v3/__{''.join(out)}__;{enc}!!Nh8q1lmHkGx7!9f2kQ8xTzLcWb5nRj0pA3yE6vD1sU4oI7gH2mK$"


def mimecast(host: str, region: str = "eu") -> str:
    return f"https://protect-{region}.mimecast.com/s/Xq7RC8LPkVhAyq1jsBzYQH?domain={host}"


def barracuda(url: str) -> str:
    return f"https://linkprotect.cudasvc.com/url?a={quote(url, safe='')}&c=E,1,hQ3kXzL0p9vRtYbWmN8cJ2aS4dF6gT0e&typo=1"
