"""A real Dovecot IMAP server (with LMTP for delivering test mail), started by the tests.

Dovecot comes from Debian's packages (scripts/apt-packages.txt) and runs with its own config
file under a short temporary folder, on free loopback ports; it stores mail as the `vmail`
system user, created here when missing (Dovecot refuses to store mail as root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import smtplib
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "support@example.test"
PASSWORD = "secret"

CONFIG = """\
base_dir = {w}/run
state_dir = {w}/state
instance_name = caredesk-test-{port}
listen = 127.0.0.1
protocols = imap lmtp
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
log_path = {w}/dovecot.log
hostname = mail.example.test
postmaster_address = postmaster@example.test
first_valid_uid = 100
mail_uid = vmail
mail_gid = vmail
mail_location = maildir:{w}/mail/%d/%n/Maildir
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {w}/oauth2.conf
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {w}/users
}}
userdb {{
  driver = static
  args = home={w}/mail/%d/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
"""


def available() -> bool:
    """Dovecot is installed and can run here (it needs root to switch to `vmail`)."""
    return os.path.exists(DOVECOT) and os.geteuid() == 0


class Dovecot:
    def __init__(
        self,
        imap_port: int,
        lmtp_port: int,
        *,
        tokeninfo_port: int = 9,
        imaps_port: int = 0,
        idle: bool = True,
    ) -> None:
        """`tokeninfo_port`: where an OAuth2 token-info endpoint answers XOAUTH2 logins.
        `imaps_port`: also serve TLS there (and STARTTLS on the IMAP port), with a certificate
        for 127.0.0.1 made here; `ca_file` is the file a client must trust."""
        self.port = imap_port
        self.lmtp_port = lmtp_port
        self.tokeninfo_port = tokeninfo_port
        self.imaps_port = imaps_port
        self.idle = idle  # False: a server that does not offer IDLE (clients must poll)
        self.dir = Path(tempfile.mkdtemp(prefix="cdv", dir="/tmp"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def maildir(self) -> Path:
        local, _, domain = USER.partition("@")
        return self.dir / "mail" / domain / local / "Maildir"

    def start(self) -> Dovecot:
        try:
            pwd.getpwnam("vmail")
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    "vmail",
                ],
                check=True,
            )
        self.dir.chmod(0o755)  # mkdtemp's folder is root's alone; vmail must reach the mail
        (self.dir / "mail").mkdir()
        shutil.chown(self.dir / "mail", "vmail", "vmail")
        (self.dir / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        (self.dir / "oauth2.conf").write_text(
            f"tokeninfo_url = http://127.0.0.1:{self.tokeninfo_port}/tokeninfo?access_token=\n"
            "username_attribute = email\n"
        )
        ssl = "ssl = no"
        if self.imaps_port:
            self._certificate()
            ssl = f"ssl = yes\nssl_cert = <{self.ca_file}\nssl_key = <{self.dir / 'key.pem'}"
        if not self.idle:
            ssl += "\nimap_capability = IMAP4rev1 SASL-IR ID ENABLE LITERAL+ UIDPLUS MOVE"
        config = self.dir / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                w=self.dir,
                port=self.port,
                lmtp=self.lmtp_port,
                imaps=self.imaps_port,
                ssl=ssl,
            )
        )
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)])
        deadline = time.monotonic() + 10
        from tests.conftest import port_open

        while not (port_open("127.0.0.1", self.port) and port_open("127.0.0.1", self.lmtp_port)):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"dovecot did not start: {self.log()}")
            time.sleep(0.02)
        return self

    @property
    def ca_file(self) -> Path:
        return self.dir / "cert.pem"

    def _certificate(self) -> None:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(self.dir / "key.pem"),
                "-out",
                str(self.ca_file),
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def start_again(self) -> None:
        config = self.dir / "dovecot.conf"
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)])
        from tests.conftest import port_open

        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"dovecot did not start again: {self.log()}")
            time.sleep(0.02)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def deliver(self, raw: bytes, to: str = USER) -> None:
        """Deliver over LMTP, as the mail server in front of Dovecot would."""
        with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
            lmtp.sendmail("customer@example.net", [to], raw)

    def reset_uidvalidity(self) -> None:
        """Make Dovecot forget its UID list, as after a server migration: new UIDVALIDITY."""
        self.stop()
        for name in (
            "dovecot-uidlist",
            "dovecot.index",
            "dovecot.index.cache",
            "dovecot.index.log",
        ):
            (self.maildir / name).unlink(missing_ok=True)
        time.sleep(1.1)  # UIDVALIDITY is the creation time in seconds: make it differ
        self.start_again()


def email(subject: str, *, sender: str = "Jane Doe <jane@example.net>", body: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.net")
    msg.set_content(body or f"Hello, about {subject}.\n")
    return bytes(msg)
