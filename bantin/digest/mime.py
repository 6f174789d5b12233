"""The digest as an email: ``multipart/alternative`` with the text and the HTML in UTF-8, the HTML inside
``multipart/related`` with the chart as an inline PNG that the HTML shows through ``cid:``.

Built with ``email.message.EmailMessage`` and the default policy: the Vietnamese subject and display names
are RFC 2047 encoded-words, bodies quoted-printable (7-bit safe for any SMTP server, still readable raw).
The caller's ``headers`` (the delivery's ``List-Unsubscribe``, ``List-Unsubscribe-Post``, a stable
``Message-ID``) are added as given. The same digest gives the same message (the Content-ID is derived from
the day and the site, not random), so a resend after a crash is the same message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime
from urllib.parse import urlsplit

from bantin.digest.chart import chart_png
from bantin.digest.model import Digest
from bantin.digest.render import render_html, render_text, subject_of

# The Content-ID's domain when BANTIN_PUBLIC_URL is unset (.invalid is reserved: it never names a real host).
FALLBACK_DOMAIN = "bantin.invalid"
CHART_FILENAME = "bieu-do-chu-de.png"
BOUNDARY = "bantin-digest"


def digest_subject(digest: Digest) -> str:
    return subject_of(digest)


def chart_cid(digest: Digest) -> str:
    """``<digest-chart-2026-12-01@host>``: the angle-bracketed Content-ID (the HTML uses it without them)."""
    host = urlsplit(digest.public_url).hostname or FALLBACK_DOMAIN
    return f"<digest-chart-{digest.day.isoformat()}@{host}>"


def digest_email(digest: Digest, *, to: str | Sequence[str], from_: str, subject: str | None = None,
                 headers: Mapping[str, str] | None = None, unsubscribe_url: str | None = None,
                 chart: bytes | None = None) -> EmailMessage:
    """The message; ``chart`` is the PNG when the caller drew it already (one drawing for many recipients)."""
    png = chart if chart is not None else chart_png(digest)
    cid = chart_cid(digest)
    msg = EmailMessage(policy=default)
    msg["Subject"] = subject or digest_subject(digest)
    msg["From"] = from_
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    for name, value in (headers or {}).items():
        del msg[name]  # a header given twice (Subject, Date) replaces ours
        msg[name] = value
    if "Date" not in msg:
        msg["Date"] = format_datetime(digest.generated_at)
    msg.set_content(render_text(digest, unsubscribe_url), subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(render_html(digest, "cid:" + cid[1:-1], unsubscribe_url), subtype="html", charset="utf-8",
                        cte="quoted-printable")
    html_part = msg.get_payload()[1]  # type: ignore[index]
    assert isinstance(html_part, EmailMessage)  # the part add_alternative made (the default policy's class)
    html_part.add_related(png, maintype="image", subtype="png", cid=cid, disposition="inline",
                          filename=CHART_FILENAME)
    # fixed boundaries (random ones would make every build a different message): a line starting "==" cannot
    # occur in a quoted-printable body ("=" is "=3D" there) nor in base64 (padding ends a line)
    msg.set_boundary(f"=={BOUNDARY}-{digest.day.isoformat()}-alternative==")
    html_part.set_boundary(f"=={BOUNDARY}-{digest.day.isoformat()}-related==")
    return msg
