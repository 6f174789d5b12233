"""Email over SMTP (``smtplib``): STARTTLS when configured, a login when a user is set, every command
bounded by BANTIN_SMTP_TIMEOUT_S; each server answer becomes an :class:`Outcome`.

4xx, a refused connection, a timeout or a dropped one: retried later (the message waits in the outbox).
5xx for the recipient (RCPT or DATA): never retried, the address flagged for admins. Our own side refused
(MAIL FROM, the login, no STARTTLS on offer): retried too, since the fix is the office's configuration, not
the recipient's address. One connection serves a whole batch; once the server is unreachable the rest of
the batch waits without another connection attempt each (a black-holed server would cost a timeout per
message). The password (a ``SecretStr``) is only ever passed to ``login``; no message contains it.
"""

from __future__ import annotations

import smtplib
import ssl
from email.utils import parseaddr

from bantin.app.settings import Settings
from bantin.delivery.outcome import Outcome, clip


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return clip(f"{code} {text}")


def _by_code(code: int, text: str, where: str) -> Outcome:
    if 500 <= code < 600:
        return Outcome("dead", f"delivery/email_dead_5xx_{where}", text, flag_address=True)
    return Outcome("retry", f"delivery/email_retry_4xx_{where}", text)


class SmtpTransport:
    """Sends one message at a time over a connection opened on first use and kept for the batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._conn: smtplib.SMTP | None = None
        self.down: str | None = None  # why the server could not be reached (the rest of the batch waits)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.smtp_host is not None
        conn = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s)
        try:
            conn.ehlo()
            if s.smtp_starttls:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if s.smtp_user:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                conn.login(s.smtp_user, password)
        except BaseException:
            conn.close()
            raise
        return conn

    def send(self, sender: str, recipient: str, body: bytes) -> Outcome:
        if self.down is not None:
            return Outcome("retry", "delivery/email_retry_server_down", self.down)
        try:
            if self._conn is None:
                self._conn = self._connect()
            # UTF-8 text parts go as 8bit (EmailMessage's default): say so when the server offers it (RFC 6152)
            options = ["BODY=8BITMIME"] if not body.isascii() and self._conn.has_extn("8bitmime") else []
            self._conn.sendmail(parseaddr(sender)[1], [recipient], body, mail_options=options)
            return Outcome("sent", "delivery/email_sent")
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = next(iter(exc.recipients.values()))
            return _by_code(code, _reply(code, message), "rcpt")
        except smtplib.SMTPSenderRefused as exc:
            return Outcome("retry", "delivery/email_retry_sender_refused", _reply(exc.smtp_code, exc.smtp_error))
        except smtplib.SMTPDataError as exc:
            return _by_code(exc.smtp_code, _reply(exc.smtp_code, exc.smtp_error), "data")
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPHeloError) as exc:
            self._drop(f"the server refused us: {_reply(exc.smtp_code, exc.smtp_error)}")
            return Outcome("retry", "delivery/email_retry_smtp_refused_us", self.down)
        except smtplib.SMTPNotSupportedError as exc:  # STARTTLS configured but not offered
            self._drop(clip(f"not supported by the server: {exc}"))
            return Outcome("retry", "delivery/email_retry_smtp_refused_us", self.down)
        except smtplib.SMTPConnectError as exc:
            return self._unreachable(exc)
        except smtplib.SMTPResponseException as exc:
            self._drop(None)
            return _by_code(exc.smtp_code, _reply(exc.smtp_code, exc.smtp_error), "other")
        except OSError as exc:  # refused, timed out, dropped (SMTPServerDisconnected), TLS failures
            return self._unreachable(exc)

    def _unreachable(self, exc: OSError) -> Outcome:
        self._drop(clip(f"SMTP {self.settings.smtp_host}:{self.settings.smtp_port} unreachable: "
                        f"{type(exc).__name__}: {exc}"))
        return Outcome("retry", "delivery/email_retry_unreachable", self.down)

    def _drop(self, down: str | None) -> None:
        """Forget the connection; ``down`` set: the rest of this batch is not tried."""
        conn, self._conn = self._conn, None
        self.down = down
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()
