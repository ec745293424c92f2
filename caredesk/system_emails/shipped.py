"""The wording caredesk ships for each system email, by language (pure data).

Admins override any of it per mailbox and language (docs/system-emails.md); what is here is
what a customer or agent reads when nobody has. Each text is written for its language, not
translated word for word: German and French address the customer formally by full name,
Spanish opens with "Hola, ...:" as letters do, French puts a no-break space (\\u00a0) before
":", Japanese uses the polite form with 様.

A line whose variables all come out empty and that keeps at most one other word ("Hello
{{ customer.first_name }},", "{{ customer.name }} 様") is left out when rendered
(caredesk.system_emails.render), so a customer known only by their address is not greeted
"Hello ,".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


# The subject keeps "Re: ... [#123]" in every language: mail clients of every language read
# "Re:", and the tag is how a reply finds its ticket when the reply address is lost.
_ACK_SUBJECT = "Re: {{ ticket.subject }} [{{ ticket.reference }}]"

ACKNOWLEDGEMENT_TEXTS: dict[str, Wording] = {
    "en": Wording(
        _ACK_SUBJECT,
        """Hello {{ customer.first_name }},

Thank you for writing to {{ mailbox.name }}. We have your message and opened ticket \
{{ ticket.reference }}:

    {{ ticket.subject }}

A person from our team will reply {{ ticket.promised_reply }}.

If you have anything to add, just reply to this email.

{{ mailbox.name }}
""",
    ),
    "de": Wording(
        _ACK_SUBJECT,
        """Guten Tag {{ customer.name }},

vielen Dank für Ihre Nachricht an {{ mailbox.name }}. Wir haben sie erhalten und unter der \
Ticketnummer {{ ticket.reference }} aufgenommen:

    {{ ticket.subject }}

Jemand aus unserem Team antwortet Ihnen {{ ticket.promised_reply }}.

Wenn Sie etwas ergänzen möchten, antworten Sie einfach auf diese E-Mail.

Freundliche Grüße
{{ mailbox.name }}
""",
    ),
    "fr": Wording(
        _ACK_SUBJECT,
        """Bonjour {{ customer.name }},

Merci d'avoir écrit à {{ mailbox.name }}. Nous avons bien reçu votre message et ouvert \
le ticket {{ ticket.reference }}\u00a0:

    {{ ticket.subject }}

Une personne de notre équipe vous répondra {{ ticket.promised_reply }}.

Si vous souhaitez ajouter quelque chose, il vous suffit de répondre à cet e-mail.

Bien cordialement,
{{ mailbox.name }}
""",
    ),
    "es": Wording(
        _ACK_SUBJECT,
        """Hola, {{ customer.first_name }}:

Gracias por escribir a {{ mailbox.name }}. Hemos recibido su mensaje y abierto el ticket \
{{ ticket.reference }}:

    {{ ticket.subject }}

Una persona de nuestro equipo le responderá {{ ticket.promised_reply }}.

Si desea añadir algo, solo tiene que responder a este correo.

Un cordial saludo,
{{ mailbox.name }}
""",
    ),
    "ja": Wording(
        _ACK_SUBJECT,
        """{{ customer.name }} 様

このたびは{{ mailbox.name }}にお問い合わせいただき、誠にありがとうございます。
お問い合わせを受け付け、チケット番号 {{ ticket.reference }} を発行いたしました。

    件名：{{ ticket.subject }}

担当者より{{ ticket.promised_reply }}にご返信いたします。
補足がございましたら、このメールにそのままご返信ください。

※このメールは自動で送信しています。

{{ mailbox.name }}
""",
    ),
}

PASSWORD_RESET_TEXTS: dict[str, Wording] = {
    "en": Wording(
        "Choose a new caredesk password",
        """Hello {{ agent.first_name }},

Somebody, hopefully you, asked to reset the password you use to sign in to caredesk as \
{{ agent.email }}.

To choose a new password, open this link within {{ reset.minutes }} minutes:

{{ reset.link }}

The link works once. If you did not ask for this, ignore this email: your password stays as \
it is.
""",
    ),
    "de": Wording(
        "Neues Passwort für caredesk festlegen",
        """Hallo {{ agent.first_name }},

jemand, hoffentlich Sie selbst, möchte das Passwort zurücksetzen, mit dem Sie sich als \
{{ agent.email }} bei caredesk anmelden.

Um ein neues Passwort festzulegen, öffnen Sie innerhalb von {{ reset.minutes }} Minuten \
diesen Link:

{{ reset.link }}

Der Link funktioniert nur einmal. Wenn Sie das nicht angefordert haben, ignorieren Sie diese \
E-Mail einfach: Ihr Passwort bleibt unverändert.
""",
    ),
    "fr": Wording(
        "Choisissez un nouveau mot de passe caredesk",
        """Bonjour {{ agent.first_name }},

Quelqu'un, sans doute vous, a demandé à réinitialiser le mot de passe avec lequel vous vous \
connectez à caredesk en tant que {{ agent.email }}.

Pour choisir un nouveau mot de passe, ouvrez ce lien dans les {{ reset.minutes }} \
minutes\u00a0:

{{ reset.link }}

Ce lien ne fonctionne qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez \
cet e-mail\u00a0: votre mot de passe reste inchangé.
""",
    ),
    "es": Wording(
        "Elija una nueva contraseña de caredesk",
        """Hola, {{ agent.first_name }}:

Alguien, esperamos que usted, ha pedido restablecer la contraseña con la que inicia sesión en \
caredesk como {{ agent.email }}.

Para elegir una contraseña nueva, abra este enlace en los próximos {{ reset.minutes }} minutos:

{{ reset.link }}

El enlace solo funciona una vez. Si no lo ha pedido usted, ignore este correo: su contraseña \
seguirá siendo la misma.
""",
    ),
    "ja": Wording(
        "caredesk パスワード再設定のご案内",
        """{{ agent.name }} 様

{{ agent.email }} で caredesk にサインインする際のパスワードについて、再設定のご依頼を\
受け付けました。

新しいパスワードを設定するには、{{ reset.minutes }}分以内に次のリンクを開いてください。

{{ reset.link }}

このリンクは一度だけご利用いただけます。お心当たりがない場合は、このメールを破棄して\
ください。パスワードは変更されません。
""",
    ),
}
