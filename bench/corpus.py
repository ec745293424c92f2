"""A deterministic corpus of customer email for the ingest benchmark.

The same seed always gives the same bytes: new conversations from distinct customers, replies
that quote and reference earlier messages, out-of-office answers, attachments (a few of them
200 KB), HTML alternatives, in English, German, French, Spanish and Japanese.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

SUPPORT = "support@example.com"
SUPPORT_NAME = "Example Support"
START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
LANGUAGES = ("en", "de", "fr", "es", "ja")
LANGUAGE_WEIGHTS = (40, 20, 15, 15, 10)

NAMES = {
    "en": ["Oliver Smith", "Zoë Hart", "Siobhán O'Neill", "Amélie Brooks", "Renée Walsh"],
    "de": ["Jürgen Müller", "Käthe Weiß", "Björn Schäfer", "Ömer Yılmaz", "Lüdia Groß"],
    "fr": ["Hélène Dupré", "François Lefèvre", "Chloé Bérénice", "Noël Gaëtan", "Anaïs Côté"],
    "es": ["José Núñez", "María Pérez", "Íñigo Gómez", "Begoña Ibáñez", "Ramón Peña"],
    "ja": ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "渡辺 健"],
}
LOCALS = {
    "en": ["oliver.smith", "zoe.hart", "siobhan", "amelie.b", "renee.walsh"],
    "de": ["juergen.mueller", "kaethe", "bjoern.s", "oemer.yilmaz", "luedia"],
    "fr": ["helene.dupre", "francois.l", "chloe", "noel.gaetan", "anais.cote"],
    "es": ["jose.nunez", "maria.perez", "inigo", "begona", "ramon.pena"],
    "ja": ["yamada.taro", "sato.hanako", "suzuki", "takahashi.m", "watanabe.ken"],
}
DOMAINS = ("example.net", "example.org", "mail.example.net", "customers.example.org")

# (subject, opening sentence) per topic and language; {n} is an order or invoice number.
TOPICS = {
    "en": [
        ("Cannot reset my password", "I asked for a password reset three times and no email came."),
        ("Charged twice for order {n}", "My card was charged twice for order {n} this morning."),
        ("App crashes when I open settings", "Since the last update the app closes at once."),
        ("Refund for order {n}", "I returned order {n} two weeks ago and have no refund yet."),
        ("Please delete my account", "I would like my account and all my data deleted."),
    ],
    "de": [
        ("Passwort lässt sich nicht zurücksetzen", "Ich bekomme keine E-Mail zum Zurücksetzen."),
        ("Doppelte Abbuchung für Bestellung {n}", "Für Bestellung {n} wurde zweimal abgebucht."),
        ("App stürzt beim Öffnen ab", "Seit dem Update schließt sich die App sofort wieder."),
        ("Rückerstattung für Bestellung {n}", "Die Rücksendung {n} ist längst bei Ihnen."),
        ("Bitte mein Konto löschen", "Bitte löschen Sie mein Konto und alle meine Daten."),
    ],
    "fr": [
        ("Impossible de réinitialiser mon mot de passe", "Je ne reçois jamais le courriel."),
        ("Débité deux fois pour la commande {n}", "Ma carte a été débitée deux fois ({n})."),
        ("L'application plante à l'ouverture", "Depuis la mise à jour, l'appli se ferme."),
        ("Remboursement de la commande {n}", "J'ai renvoyé la commande {n} il y a deux semaines."),
        ("Suppression de mon compte", "Merci de supprimer mon compte et mes données."),
    ],
    "es": [
        ("No puedo restablecer mi contraseña", "Pedí restablecer la contraseña y no llega nada."),
        ("Cobro duplicado del pedido {n}", "Me han cobrado dos veces el pedido {n}."),
        ("La aplicación se cierra al abrirla", "Desde la actualización la app se cierra sola."),
        ("Reembolso del pedido {n}", "Devolví el pedido {n} hace dos semanas y no sé nada."),
        ("Eliminar mi cuenta", "Quiero que eliminen mi cuenta y todos mis datos."),
    ],
    "ja": [
        ("パスワードを再設定できません", "再設定のメールが届きません。"),
        ("注文{n}の二重請求について", "注文{n}の代金が二回請求されました。"),
        ("アプリが起動直後に終了します", "最新のアップデート以降、アプリがすぐに閉じます。"),
        ("注文{n}の返金について", "二週間前に注文{n}を返品しましたが、返金がありません。"),
        ("アカウントの削除をお願いします", "アカウントと全てのデータを削除してください。"),
    ],
}
FILLER = {
    "en": [
        "I am using the Android app, version 4.2.",
        "This is quite urgent for me, as I need it for work tomorrow.",
        "I already tried logging out and in again.",
        "Could you please have a look and tell me what to do?",
        "I attached a screenshot of the error.",
    ],
    "de": [
        "Ich nutze die iOS-App in Version 4.2.",
        "Das ist für mich ziemlich dringend.",
        "Ab- und wieder Anmelden habe ich schon versucht.",
        "Können Sie sich das bitte ansehen und mir Bescheid geben?",
        "Einen Screenshot der Fehlermeldung füge ich bei.",
    ],
    "fr": [
        "J'utilise l'application Android, version 4.2.",
        "C'est assez urgent pour moi, j'en ai besoin demain.",
        "J'ai déjà essayé de me déconnecter et de me reconnecter.",
        "Pourriez-vous regarder et me dire quoi faire ?",
        "Vous trouverez une capture d'écran de l'erreur ci-jointe.",
    ],
    "es": [
        "Uso la aplicación de Android, versión 4.2.",
        "Es bastante urgente, lo necesito mañana para trabajar.",
        "Ya probé a cerrar sesión y volver a entrar.",
        "¿Podrían revisarlo y decirme qué hacer?",
        "Adjunto una captura de pantalla del error.",
    ],
    "ja": [
        "Android版アプリのバージョン4.2を使っています。",
        "明日の仕事で必要なので、至急対応をお願いします。",
        "ログアウトして再ログインも試しました。",
        "確認のうえ、対処方法を教えていただけますか。",
        "エラー画面のスクリーンショットを添付します。",
    ],
}
FOLLOW_UPS = {
    "en": ["Any news on this?", "It happened again just now.", "Here is the extra detail."],
    "de": ["Gibt es schon Neuigkeiten?", "Es ist gerade wieder passiert.", "Hier noch Details."],
    "fr": ["Avez-vous du nouveau ?", "C'est encore arrivé à l'instant.", "Voici un détail."],
    "es": ["¿Hay alguna novedad?", "Acaba de volver a pasar.", "Aquí va más información."],
    "ja": ["その後いかがでしょうか。", "先ほどまた発生しました。", "追加の情報をお送りします。"],
}
GREETING = {
    "en": "Hello,",
    "de": "Hallo,",
    "fr": "Bonjour,",
    "es": "Hola:",
    "ja": "お世話になっております。",
}
SIGN_OFF = {
    "en": "Thanks",
    "de": "Viele Grüße",
    "fr": "Cordialement",
    "es": "Saludos",
    "ja": "よろしくお願いします。",
}
WROTE = {
    "en": "On {date}, {name} wrote:",
    "de": "Am {date} schrieb {name}:",
    "fr": "Le {date}, {name} a écrit :",
    "es": "El {date}, {name} escribió:",
    "ja": "{date} {name} さんは書きました:",
}
REPLY_PREFIX = {"en": "Re: ", "de": "AW: ", "fr": "RE: ", "es": "RE: ", "ja": "Re: "}
OUT_OF_OFFICE = {
    "en": ("Out of office", "I am out of the office until Monday and will read your message then."),
    "de": ("Abwesenheitsnotiz", "Ich bin bis Montag nicht im Büro."),
    "fr": ("Absence du bureau", "Je suis absent jusqu'à lundi."),
    "es": ("Fuera de la oficina", "Estaré fuera de la oficina hasta el lunes."),
    "ja": ("不在のお知らせ", "月曜日まで不在にしております。"),
}


@dataclass
class Conversation:
    index: int
    language: str
    name: str
    address: str
    subject: str
    message_ids: list[str] = field(default_factory=list)
    last_text: str = ""
    last_date: datetime = START


@dataclass(frozen=True)
class CorpusMessage:
    index: int
    kind: str  # "new" | "reply" | "auto_reply"
    language: str
    message_id: str  # without angle brackets
    sender: str
    raw: bytes
    attachments: int
    html: bool


def png_bytes(rng: random.Random, width: int, height: int, *, noise: bool) -> bytes:
    """A valid PNG: noise does not compress, so `noise=True` gives width*height*3 bytes or so."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    if noise:
        rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    else:
        colour = bytes(rng.randrange(256) for _ in range(3))
        rows = b"".join(b"\x00" + colour * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(rng: random.Random, text: str) -> bytes:
    """A small one-page PDF (an invoice or a receipt)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    # Some padding, as real PDFs carry fonts and images: 1-6 KB.
    out += b"%" + rng.randbytes(rng.randrange(1000, 6000)).hex().encode()[:6000] + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class CorpusBuilder:
    """Builds messages one at a time from a seeded random generator."""

    def __init__(self, seed: int, *, tag: str = "c") -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.tag = tag
        self.conversations: list[Conversation] = []
        self.count = 0

    # -- pieces ---------------------------------------------------------------------------

    def _message_id(self, domain: str) -> str:
        token = self.rng.getrandbits(48)
        return f"{self.tag}{self.seed}.{self.count}.{token:012x}@{domain}"

    def _date(self) -> datetime:
        return START + timedelta(seconds=7 * self.count)

    def _body(self, language: str, opening: str, n: int) -> str:
        rng = self.rng
        sentences = rng.sample(FILLER[language], k=rng.randrange(1, 4))
        joiner = "" if language == "ja" else " "
        paragraph = joiner.join([opening, *sentences])
        return (
            f"{GREETING[language]}\n\n{paragraph}\n\n"
            f"{'注文番号' if language == 'ja' else 'Ref'}: {n}\n\n{SIGN_OFF[language]}\n"
        )

    def _attach(self, msg: EmailMessage, language: str) -> int:
        """Attach 0-2 files; about one message in a hundred gets a 200 KB screenshot."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.01:
            data = png_bytes(rng, 256, 260, noise=True)  # ~200 KB, does not compress
            msg.add_attachment(data, maintype="image", subtype="png", filename="screenshot.png")
            return 1
        if roll < 0.15:
            count = 1 if rng.random() < 0.8 else 2
            for k in range(count):
                if rng.random() < 0.5:
                    data = pdf_bytes(rng, f"Invoice {rng.randrange(10000, 99999)}")
                    name = "Rechnung.pdf" if language == "de" else f"invoice-{k + 1}.pdf"
                    if language == "ja":
                        name = "請求書.pdf"
                    msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
                else:
                    data = png_bytes(rng, rng.randrange(40, 120), rng.randrange(30, 90), noise=True)
                    msg.add_attachment(data, maintype="image", subtype="png", filename="error.png")
            return count
        return 0

    def _finish(
        self,
        *,
        kind: str,
        conv: Conversation,
        subject: str,
        text: str,
        headers: dict[str, str],
        attachments: bool,
    ) -> CorpusMessage:
        rng = self.rng
        domain = conv.address.partition("@")[2]
        message_id = self._message_id(domain)
        date = self._date()
        msg = EmailMessage()
        local, _, dom = conv.address.partition("@")
        msg["From"] = Address(display_name=conv.name, username=local, domain=dom)
        msg["To"] = Address(display_name=SUPPORT_NAME, username="support", domain="example.com")
        if kind == "new" and rng.random() < 0.05:
            msg["Cc"] = Address(display_name="", username=f"colleague.{conv.index}", domain=dom)
        msg["Subject"] = subject
        msg["Date"] = format_datetime(date)
        msg["Message-ID"] = f"<{message_id}>"
        for name, value in headers.items():
            msg[name] = value
        msg["MIME-Version"] = "1.0"
        # Real mail mixes transfer encodings; Japanese mail is usually base64.
        if conv.language == "ja":
            cte = "base64"
        elif conv.language == "en":
            cte = "7bit" if text.isascii() else "quoted-printable"
        else:
            cte = rng.choice(["quoted-printable", "8bit"])
        msg.set_content(text, cte=cte)
        html = kind != "auto_reply" and rng.random() < 0.3
        if html:
            paragraphs = "".join(
                f"<p>{p.replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p
            )
            msg.add_alternative(
                f'<html><body><div dir="auto">{paragraphs}</div></body></html>',
                subtype="html",
                cte="quoted-printable" if cte == "7bit" else cte,
            )
        count = self._attach(msg, conv.language) if attachments else 0
        for part_number, part in enumerate(msg.walk()):
            if part.is_multipart():
                part.set_boundary(f"=_bench{self.seed}_{self.count}_{part_number}")
        raw = msg.as_bytes(policy=policy.SMTP)
        conv.message_ids.append(message_id)
        conv.last_text = text
        conv.last_date = date
        result = CorpusMessage(
            index=self.count,
            kind=kind,
            language=conv.language,
            message_id=message_id,
            sender=conv.address,
            raw=raw,
            attachments=count,
            html=html,
        )
        self.count += 1
        return result

    # -- messages -------------------------------------------------------------------------

    def new_conversation(self) -> CorpusMessage:
        rng = self.rng
        language = rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]
        who = rng.randrange(len(NAMES[language]))
        index = len(self.conversations)
        # Every conversation has its own sender address, as distinct customers do.
        address = f"{LOCALS[language][who]}.{self.tag}{index}@{rng.choice(DOMAINS)}"
        n = rng.randrange(100000, 999999)
        subject, opening = rng.choice(TOPICS[language])
        conv = Conversation(
            index=index,
            language=language,
            name=NAMES[language][who],
            address=address,
            subject=subject.format(n=n),
        )
        self.conversations.append(conv)
        text = self._body(language, opening.format(n=n), n)
        return self._finish(
            kind="new", conv=conv, subject=conv.subject, text=text, headers={}, attachments=True
        )

    def _pick_conversation(self) -> Conversation:
        # Recent conversations get most replies, as they do in a real inbox.
        recent = self.conversations[-200:]
        return self.rng.choice(recent)

    def reply(self) -> CorpusMessage:
        rng = self.rng
        conv = self._pick_conversation()
        parent = conv.message_ids[-1]
        refs = list(conv.message_ids[-5:])
        # Half of the replies answer our reply rather than their own last email: the id of our
        # email is not in the corpus, only in References.
        if rng.random() < 0.5:
            refs.append(f"caredesk.{conv.index}.{rng.getrandbits(32):08x}@example.com")
            parent = refs[-1]
        quoted = "\n".join(f"> {line}" if line else ">" for line in conv.last_text.splitlines())
        wrote = WROTE[conv.language].format(date=format_datetime(conv.last_date), name=conv.name)
        text = (
            f"{rng.choice(FOLLOW_UPS[conv.language])}\n\n{SIGN_OFF[conv.language]}\n"
            f"{conv.name}\n\n{wrote}\n{quoted}\n"
        )
        headers = {"In-Reply-To": f"<{parent}>", "References": " ".join(f"<{r}>" for r in refs)}
        subject = REPLY_PREFIX[conv.language] + conv.subject
        return self._finish(
            kind="reply",
            conv=conv,
            subject=subject,
            text=text,
            headers=headers,
            attachments=rng.random() < 0.3,
        )

    def auto_reply(self) -> CorpusMessage:
        conv = self._pick_conversation()
        title, text = OUT_OF_OFFICE[conv.language]
        headers = {
            "Auto-Submitted": "auto-replied",
            "In-Reply-To": f"<{conv.message_ids[-1]}>",
            "References": f"<{conv.message_ids[-1]}>",
        }
        return self._finish(
            kind="auto_reply",
            conv=conv,
            subject=f"{title}: {conv.subject}",
            text=text + "\n",
            headers=headers,
            attachments=False,
        )

    def next_message(self) -> CorpusMessage:
        roll = self.rng.random()
        if not self.conversations or roll < 0.62:
            return self.new_conversation()
        if roll < 0.98:
            return self.reply()
        return self.auto_reply()


def build_corpus(messages: int, seed: int) -> list[CorpusMessage]:
    builder = CorpusBuilder(seed, tag="c")
    return [builder.next_message() for _ in range(messages)]


def build_new_conversations(messages: int, seed: int) -> list[CorpusMessage]:
    """New conversations only, each from its own customer (the latency run: each one acked)."""
    builder = CorpusBuilder(seed + 1_000_003, tag="lat")
    return [builder.new_conversation() for _ in range(messages)]


def describe(corpus: list[CorpusMessage], seed: int) -> dict[str, object]:
    sizes = sorted(len(m.raw) for m in corpus)
    return {
        "messages": len(corpus),
        "seed": seed,
        "new_conversations": sum(1 for m in corpus if m.kind == "new"),
        "replies": sum(1 for m in corpus if m.kind == "reply"),
        "auto_replies": sum(1 for m in corpus if m.kind == "auto_reply"),
        "with_attachments": sum(1 for m in corpus if m.attachments),
        "large_200kb": sum(1 for m in corpus if len(m.raw) > 200_000),
        "html_alternative": sum(1 for m in corpus if m.html),
        "languages": dict(sorted(Counter(m.language for m in corpus).items())),
        "bytes_total": sum(sizes),
        "bytes_median": sizes[len(sizes) // 2] if sizes else 0,
    }


def write_eml(corpus: list[CorpusMessage], folder: Path) -> None:
    """One .eml file per message, named in corpus order."""
    folder.mkdir(parents=True, exist_ok=True)
    for message in corpus:
        (folder / f"{message.index:06d}.eml").write_bytes(message.raw)
