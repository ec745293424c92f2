# ruff: noqa: E501 (phrase tables and hand-written texts read best one entry a line)
"""What the checks look for, per language: phrases that blame or talk down, acknowledgements of
how the customer feels, jargon with plainer words, instruction verbs, next steps and times."""

from __future__ import annotations

import re

FLAGS = re.IGNORECASE | re.UNICODE


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


# Blame and condescension: (pattern, why, fix).
BLAME: dict[str, list[tuple[re.Pattern[str], str, str]]] = {
    "en": [
        (
            _any(
                r"\byou should have\b",
                r"\byou shouldn[’']t have\b",
                r"\bif you had (?:read|followed|checked)\b",
            ),
            "It tells the customer the problem is what they did.",
            'Say what will fix it now, e.g. "Next time, you can ..." or just give the steps.',
        ),
        (
            _any(
                r"\b(?:your|the customer[’']s) fault\b",
                r"\byou failed to\b",
                r"\bnot our fault\b",
                r"\bdid you (?:even|actually) (?:read|try|check)\b",
            ),
            "It assigns blame instead of solving the problem.",
            "Leave out who is at fault; describe what happened and what happens next.",
        ),
        (
            _any(
                r"\bas (?:I|we) (?:have )?(?:already|previously) (?:explained|said|mentioned|stated|told you)\b",
                r"\bas (?:I|we) (?:explained|said|mentioned|stated) (?:before|earlier|previously)\b",
                r"\bper my (?:last|previous) (?:e-?mail|message|reply)\b",
                r"\bas stated (?:before|previously)\b",
            ),
            'It reads as impatience: the customer hears "you did not listen".',
            'Repeat the point plainly without pointing back, e.g. "To recap: ...".',
        ),
        (
            _any(
                r"\bobviously\b",
                r"\bclearly you\b",
                r"\bas you (?:should )?know\b",
                r"\bof course you\b",
            ),
            "What is obvious to us was not to the customer, or they would not have written.",
            "Drop the word; the sentence works without it.",
        ),
        (
            _any(r"\bsimply\b", r"\bjust (?:read|follow|click|do)\b"),
            '"Simply" makes a customer who is stuck feel slow.',
            'Drop "simply"/"just" and give the step.',
        ),
        (
            _any(r"\bcalm down\b", r"\brelax\b", r"\bno need to (?:shout|be rude|get upset)\b"),
            "Telling someone to calm down dismisses why they are upset.",
            'Acknowledge the frustration instead, e.g. "I understand how frustrating this is".',
        ),
    ],
    "de": [
        (
            _any(
                r"\bhätten sie\b[^.!?]{0,60}\bsollen\b",
                r"\bsie hätten\b[^.!?]{0,60}\bsollen\b",
                r"\bhättest du\b[^.!?]{0,60}\bsollen\b",
            ),
            "Es sagt dem Kunden, das Problem liege an ihm.",
            'Sagen Sie, was jetzt hilft, z. B. "Beim nächsten Mal können Sie ...".',
        ),
        (
            _any(
                r"\b(?:ihre|deine) schuld\b", r"\b(?:ihr|dein) fehler\b", r"\bnicht unsere schuld\b"
            ),
            "Es weist Schuld zu, statt das Problem zu lösen.",
            "Lassen Sie die Schuldfrage weg; beschreiben Sie, was passiert ist und was nun geschieht.",
        ),
        (
            _any(
                r"\bwie (?:ich|wir) (?:ihnen )?(?:bereits|schon) (?:erklärt|gesagt|erwähnt|geschrieben)\b",
                r"\bwie (?:bereits|schon) (?:erklärt|gesagt|erwähnt)\b",
                r"\b(?:siehe|laut|gemäß) meine[rm]? (?:letzten|vorherigen) (?:e-?mail|nachricht)\b",
            ),
            'Es klingt ungeduldig: "Sie haben nicht zugehört".',
            'Wiederholen Sie den Punkt ohne Verweis, z. B. "Kurz zusammengefasst: ...".',
        ),
        (
            _any(r"\boffensichtlich\b", r"\bnatürlich wissen sie\b"),
            "Was uns offensichtlich ist, war es für den Kunden nicht.",
            "Lassen Sie das Wort weg.",
        ),
        (
            _any(
                r"\beinfach nur\b",
                r"\b(?:sie|du) (?:müssen|musst) (?:doch )?nur\b",
                r"\b(?:klicken|gehen|öffnen|tippen|wählen) sie (?:doch )?einfach\b",
            ),
            '"Einfach" lässt einen Kunden, der nicht weiterkommt, langsam fühlen.',
            'Lassen Sie "einfach" weg und nennen Sie den Schritt.',
        ),
        (
            _any(r"\bberuhigen sie sich\b", r"\bberuhig dich\b"),
            '"Beruhigen Sie sich" tut den Ärger des Kunden ab.',
            'Erkennen Sie den Ärger an, z. B. "Ich verstehe, wie ärgerlich das ist".',
        ),
    ],
    "fr": [
        (
            _any(
                r"\bvous auriez dû\b",
                r"\btu aurais dû\b",
                r"\bsi vous aviez (?:lu|suivi|vérifié)\b",
            ),
            "Cela dit au client que le problème vient de lui.",
            "Dites ce qui règle le problème maintenant.",
        ),
        (
            _any(r"\b(?:votre|ta) faute\b", r"\bvotre erreur\b", r"\bpas (?:de )?notre faute\b"),
            "Cela attribue une faute au lieu de résoudre le problème.",
            "Laissez de côté la faute ; décrivez ce qui s'est passé et la suite.",
        ),
        (
            _any(
                r"\bcomme je (?:vous )?l[’']ai (?:déjà )?(?:expliqué|dit|indiqué|mentionné)\b",
                r"\bcomme (?:déjà )?(?:indiqué|mentionné|expliqué) (?:précédemment|dans mon (?:dernier|précédent) (?:e-?mail|message|courriel))\b",
                r"\bcomme (?:déjà )?(?:dit|indiqué) dans mon (?:dernier|précédent) (?:e-?mail|message|courriel)\b",
            ),
            "Cela sonne impatient : « vous n'avez pas écouté ».",
            "Reprenez le point sans renvoyer au message précédent, p. ex. « En résumé : ... ».",
        ),
        (
            _any(r"\bévidemment\b", r"\bmanifestement\b", r"\bbien évidemment\b"),
            "Ce qui nous paraît évident ne l'était pas pour le client.",
            "Supprimez le mot.",
        ),
        (
            _any(r"\bsimplement\b", r"\bil (?:vous )?suffit (?:juste )?de\b"),
            "« Simplement » fait sentir lent un client bloqué.",
            "Supprimez « simplement » et donnez l'étape.",
        ),
        (
            _any(r"\bcalmez-vous\b", r"\bcalme-toi\b"),
            "« Calmez-vous » balaie la raison de la colère.",
            "Reconnaissez la frustration, p. ex. « Je comprends à quel point c'est frustrant ».",
        ),
    ],
    "es": [
        (
            _any(
                r"\b(?:usted )?debería haber\b",
                r"\bdebió haber\b",
                r"\bdeberías haber\b",
                r"\bsi hubiera (?:leído|seguido)\b",
            ),
            "Le dice al cliente que el problema es culpa suya.",
            "Diga qué lo soluciona ahora.",
        ),
        (
            _any(
                r"\b(?:es|fue) (?:su|tu) culpa\b",
                r"\b(?:su|tu) error\b",
                r"\bno es (?:nuestra )?culpa (?:nuestra)?\b",
            ),
            "Atribuye culpa en lugar de resolver el problema.",
            "Omita la culpa; describa qué pasó y qué sigue.",
        ),
        (
            _any(
                r"\bcomo (?:ya )?le (?:expliqué|dije|mencioné|indiqué)\b",
                r"\bcomo ya (?:expliqué|dije|mencioné|indiqué)\b",
                r"\bsegún (?:mi|nuestro) (?:último|anterior) (?:correo|mensaje|e-?mail)\b",
            ),
            "Suena impaciente: «no me escuchó».",
            "Repita el punto sin remitir al mensaje anterior, p. ej. «En resumen: ...».",
        ),
        (
            _any(r"\bobviamente\b", r"\bevidentemente\b", r"\bcomo es obvio\b"),
            "Lo que es obvio para nosotros no lo era para el cliente.",
            "Quite la palabra.",
        ),
        (
            _any(r"\bsimplemente\b", r"\bsolo tiene que\b", r"\bbasta con\b"),
            "«Simplemente» hace sentir lento a un cliente atascado.",
            "Quite «simplemente» y dé el paso.",
        ),
        (
            _any(r"\bcálmese\b", r"\bcálmate\b", r"\btranquilícese\b"),
            "«Cálmese» descarta el motivo del enfado.",
            "Reconozca la frustración, p. ej. «Entiendo lo frustrante que es esto».",
        ),
    ],
}

# Apologies that acknowledge nothing in particular: taken out before looking for empathy.
GENERIC_APOLOGY: dict[str, re.Pattern[str]] = {
    # After these are taken out, any "sorry" left is about something in particular.
    "en": _any(
        r"\b(?:(?:we|i)(?:[’']re|[’']m| am| are)? )?(?:(?:very|so|truly) )?(?:sorry|apologi[sz]e|apologies) "
        r"for (?:any|the) (?:inconvenience|trouble|issues?)(?: (?:this|that)(?: (?:may|might) have)? caused| caused)?"
    ),
    "de": _any(
        r"\b(?:entschuldigen sie|wir entschuldigen uns für) (?:die|etwaige|eventuelle) unannehmlichkeiten\b",
        r"\bfür (?:etwaige|eventuelle|die) unannehmlichkeiten\b",
    ),
    "fr": _any(
        r"\b(?:désolée?s? pour|veuillez (?:nous )?excuser) (?:la gêne|les désagréments|tout désagrément|tout inconvénient)(?: occasionnée?s?)?"
    ),
    "es": _any(
        r"\b(?:disculpe|lamentamos|sentimos|perdone) (?:las|cualquier) molestias?(?: ocasionadas?)?\b"
    ),
}

EMPATHY: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bI (?:completely |totally |fully )?understand\b",
        r"\bI can see (?:how|why|that)\b",
        r"\bfrustrat\w*",
        r"\bsorry\b",
        r"\bapologi(?:[sz]e|es)\b",
        r"\bthat must (?:be|have been)\b",
        r"\byou(?:[’']re| are) (?:absolutely |quite )?right\b",
        r"\bunderstandabl[ey]\b",
        r"\bI know how\b",
        r"\bthank you for your patience\b",
        r"\bnot the experience\b",
        r"\bannoying\b",
        r"\bI hear you\b",
    ),
    "de": _any(
        r"\b(?:ich )?verstehe\b",
        r"\bverständlich\b",
        r"\btut mir (?:sehr |wirklich )?leid,? dass\b",
        r"\bärgerlich\b",
        r"\bfrustrierend\b",
        r"\bverständnis für\b",
        r"\bsie haben recht\b",
        r"\bentschuldigen sie (?:bitte )?(?:die lange wartezeit|den ärger)\b",
        r"\bdanke für ihre geduld\b",
    ),
    "fr": _any(
        r"\bje comprends\b",
        r"\bcompréhensible\b",
        r"\bdésolée? (?:que|d[’']apprendre|de ce)\b",
        r"\bfrustrant\b",
        r"\bagaçant\b",
        r"\bje suis (?:vraiment )?navrée?\b",
        r"\bvous avez raison\b",
        r"\bmerci pour votre patience\b",
    ),
    "es": _any(
        r"\bentiendo\b",
        r"\bcomprendo\b",
        r"\blamento (?:mucho )?que\b",
        r"\bsiento (?:mucho )?que\b",
        r"\bfrustrante\b",
        r"\btiene razón\b",
        r"\bgracias por su paciencia\b",
        r"\blo siento mucho\b",
    ),
}

GREETING: dict[str, str] = {
    "en": "Hi {name},",
    "de": "Hallo {name},",
    "fr": "Bonjour {name},",
    "es": "Hola, {name}:",
}

# Built-in jargon: term -> plainer words. Technical loanwords are the same across the four
# languages, so the list applies to all of them; the desk's glossary adds its own.
JARGON: dict[str, str] = {
    "cache": "the copy your browser keeps",
    "cookies": "the small files your browser saves",
    "DNS": "the address settings of your domain",
    "propagate": "take effect everywhere",
    "propagation": "the time it takes to take effect",
    "SSL": "secure connection",
    "TLS": "secure connection",
    "API": "connection between programs",
    "endpoint": "address",
    "backend": "our servers",
    "frontend": "the page you see",
    "latency": "delay",
    "SSO": "single sign-in with your company account",
    "2FA": "sign-in code",
    "MFA": "sign-in code",
    "firmware": "the device's built-in software",
    "hotfix": "quick fix",
    "regression": "something that used to work and broke",
    "deprecated": "no longer supported",
    "escalate": "pass to a specialist",
    "escalated": "passed to a specialist",
    "ETA": "expected time",
    "root cause": "reason",
    "config": "settings",
    "payload": "data sent",
    "webhook": "automatic notification",
    "SMTP": "outgoing mail server",
    "IMAP": "incoming mail server",
    "MX record": "mail setting of your domain",
    "repro": "reproduce the problem",
    "sync": "update to match",
    "token": "access code",
    "downtime": "time the service was unavailable",
    "server-side": "on our side",
    "client-side": "on your device",
    "SLA": "promised response time",
    "KB": "help article",
    "CSV": "spreadsheet file",
    "UI": "screen",
    "URL": "web address",
    "OS": "operating system",
}

# Verbs a support instruction starts with, per language (the polite imperative).
# An instruction may follow a condition ("If it does not arrive, check ...") and may be asked
# as a question ("Could you ...?", "Pouvez-vous ...?"): it still tells the customer what to do.
_IF = {
    "en": r"(?:if [^,.!?]{1,80},\s*)?",
    "de": r"(?:(?:wenn|falls) [^,.!?]{1,80},\s*)?",
    "fr": r"(?:si [^,.!?]{1,80},\s*)?",
    "es": r"(?:si [^,.!?]{1,80},\s*)?",
}
INSTRUCTION_START: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"^(?:could|can|would) you (?:please )?\w+",
        rf"^{_IF['en']}"
        r"(?:(?:please|then|next|now|first|finally|simply|just|after that|afterwards|once (?:that|it)[’']?s? done),?\s+)*"
        r"(?:open|click|tap|go|select|choose|enter|type|press|restart|reinstall|install|clear|log|sign|check|"
        r"update|download|upload|delete|remove|copy|paste|add|turn|switch|unplug|plug|wait|close|save|scroll|"
        r"find|make sure|try|reset|change|confirm|send|reply|attach|visit|navigate|disable|enable|uncheck|"
        r"tick|untick|pick|hold|insert|connect|disconnect|run|follow|write|call|look)\b",
    ),
    "de": _any(
        r"^(?:können|könnten) sie\b",
        rf"^{_IF['de']}(?:(?:bitte|dann|danach|anschließend|zuerst|jetzt|zum schluss|einfach),?\s+)?\w+en sie\b",
        rf"^{_IF['de']}(?:bitte|dann|danach|anschließend|zuerst|jetzt)\s+\w+\s+sie\b",
    ),
    "fr": _any(
        r"^(?:pouvez|pourriez)-vous\b",
        r"^il (?:vous )?suffit de\b",
        rf"^{_IF['fr']}(?:(?:ensuite|puis|d[’']abord|enfin|maintenant|simplement),?\s+)?(?:\w+ez|faites|allez|dites)\b",
        rf"^{_IF['fr']}(?:veuillez|merci de)\b",
    ),
    "es": _any(
        r"^¿?(?:puede|podría) (?:usted )?\w+",
        rf"^{_IF['es']}(?:(?:luego|después|primero|por último|ahora|a continuación|simplemente|solo),?\s+)?"
        r"(?:abra|haga|pulse|seleccione|vaya|introduzca|escriba|reinicie|reinstale|instale|borre|elimine|"
        r"compruebe|revise|actualice|descargue|cierre|inicie|toque|elija|espere|envíe|adjunte|desactive|"
        r"active|conecte|desconecte|copie|pegue|confirme|cambie|restablezca|intente|asegúrese)\b",
        r"^por favor,?\s+\w+e\b",
    ),
}

# Where one instruction ends and the next may start inside a sentence: "Go to Contacts, click
# the dots, choose Export and pick CSV" is three steps. A bare "and" joins one step's parts
# ("log out and back in").
CLAUSE_BREAK: dict[str, re.Pattern[str]] = {
    "en": _any(r",\s*(?:and\s+|then\s+)?", r"\s+then\s+", r";\s*"),
    "de": _any(r",\s*(?:und\s+|dann\s+)?", r"\s+dann\s+", r";\s*"),
    "fr": _any(r",\s*(?:et\s+|puis\s+)?", r"\s+puis\s+", r";\s*"),
    "es": _any(r",\s*(?:y\s+|luego\s+)?", r"\s+luego\s+", r";\s*"),
}

NUMBERED = re.compile(
    r"^\s*(?:\d+[.)]|[a-z][.)]|step \d+:?|schritt \d+:?|étape \d+:?|paso \d+:?)\s*", re.IGNORECASE
)

# A next step: what we will do, what they should do, or when.
NEXT_STEP: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\b(?:I|we)(?:[’']ll| will| am going to| are going to)\b",
        r"\bour (?:team|engineers?) will\b",
        r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon|evening|week))\b",
        r"\bwithin (?:the next )?(?:\d+|an?|one|two|three|four|five|six|seven|ten|a few|a couple of) (?:minutes?|hours?|days?|(?:business|working) days?|weeks?)\b",
        r"\blet (?:me|us) know\b",
        r"\b(?:by|until) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the end of|noon|\d)",
        r"\b(?:on|next) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        r"\bnext step\b",
        r"\byou will (?:receive|get|see)\b",
        r"\bplease (?:reply|send|let us know|confirm|try|check)\b",
        r"\b(?:reply|write back) (?:to this|with)\b",
    ),
    "de": _any(
        r"\b(?:ich|wir) (?:werde|werden|melde|melden)\b",
        r"\bmelde mich\b",
        r"\bmelden uns\b",
        r"\b(?:heute|morgen|diese woche|nächste woche)\b",
        r"\binnerhalb (?:von )?(?:\d+|zwei|drei|vier|fünf|sieben|zehn|einer|eines|wenigen)\b",
        r"\bgeben sie (?:mir|uns) (?:kurz )?bescheid\b",
        r"\bbis (?:montag|dienstag|mittwoch|donnerstag|freitag|morgen|\d)",
        r"\bam (?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b",
        r"\b(?:sage|gebe) ihnen bescheid\b",
        r"\bsie erhalten\b",
        r"\bbitte (?:antworten|senden|schicken|bestätigen|versuchen|prüfen)\b",
        r"\bnächste schritt\b",
    ),
    "fr": _any(
        r"\b(?:je vais|nous allons|je reviens|nous reviendrons|je vous (?:recontacte|tiens|écris)|nous vous (?:recontacterons|tiendrons))\b",
        r"\b(?:aujourd[’']hui|demain|cette semaine|la semaine prochaine)\b",
        r"\b(?:sous|d[’']ici|dans(?: les)?) (?:\d+|deux|trois|quatre|cinq|sept|dix|quelques)\b",
        r"\bvous (?:l[ae]s? |l[’'])?(?:recevrez|allez recevoir)\b",
        r"\b(?:dites-moi|dites-nous|tenez-moi au courant)\b",
        r"\bje vous préviens\b",
        r"\bje vous préviendrai\b",
        r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
        r"\bmerci de (?:nous )?(?:répondre|confirmer|envoyer)\b",
        r"\bprochaine étape\b",
    ),
    "es": _any(
        r"\b(?:voy a|vamos a|le escribiré|le escribiremos|le contactaremos|le avisaré|le avisaremos|le informaremos)\b",
        r"\b(?:hoy|mañana|esta semana|la próxima semana)\b",
        r"\b(?:en|dentro de) (?:las próximas |los próximos |unos |unas )?(?:\d+|dos|tres|cuatro|cinco|siete|diez|pocos|pocas)\b",
        r"\b(?:avíseme|avísenos|dígame)\b",
        r"\bantes del?\b",
        r"\brecibirá\b",
        r"\bel (?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b",
        r"\bpor favor,? (?:responda|envíe|confirme)\b",
        r"\bpróximo paso\b",
    ),
}

# A reply that closes the matter needs no next step.
CLOSING: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\b(?:glad|happy) (?:to hear|it[’']?s|that)\b",
        r"\b(?:resolved|sorted|all set|fixed now)\b",
        r"\bclos(?:e|ing) (?:this|the) (?:ticket|request)\b",
    ),
    "de": _any(
        r"\bfreut mich\b",
        r"\bfreut uns\b",
        r"\bgelöst\b",
        r"\bschließe (?:ich )?(?:das|dieses) ticket\b",
    ),
    "fr": _any(r"\bravie?s? (?:que|d[’']apprendre)\b", r"\brésolu\b", r"\bje clôture\b"),
    "es": _any(
        r"\bme alegra\b",
        r"\bnos alegra\b",
        r"\bresuelto\b",
        r"\bcierro (?:el|este) (?:ticket|caso)\b",
    ),
}

# Steps a customer says they already took, and how a draft would ask for them again.
# key -> language -> (said by the customer, asked in the draft)
TRIED: dict[str, dict[str, tuple[re.Pattern[str], re.Pattern[str]]]] = {
    "reinstalling": {
        "en": (
            _any(r"\b(?:re-?installed|re-?installing)\b"),
            _any(r"\bre-?install(?:ing)?\b(?!ed)"),
        ),
        "de": (
            _any(r"\bneu installiert\b", r"\bneuinstalliert\b"),
            _any(r"\bneu (?:zu )?installieren\b", r"\binstallieren sie [^.!?]{0,40}neu\b"),
        ),
        "fr": (_any(r"\bréinstallée?\b"), _any(r"\bréinstaller\b", r"\bréinstallez\b")),
        "es": (
            _any(r"\breinstalad[oa]\b", r"\breinstalé\b"),
            _any(r"\breinstal(?:e|ar|arla|arlo)\b"),
        ),
    },
    "restarting": {
        "en": (
            _any(r"\b(?:restarted|rebooted|restarting|rebooting|turned it off and on)\b"),
            _any(
                r"\b(?:restart|reboot)(?:ing)?\b(?!ed)", r"\bturn(?:ing)? it off and (?:back )?on\b"
            ),
        ),
        "de": (
            _any(r"\bneu gestartet\b", r"\bneugestartet\b"),
            _any(r"\bneu (?:zu )?starten\b", r"\bstarten sie [^.!?]{0,40}neu\b"),
        ),
        "fr": (_any(r"\bredémarrée?\b"), _any(r"\bredémarrer\b", r"\bredémarrez\b")),
        "es": (_any(r"\breiniciad[oa]\b", r"\breinicié\b"), _any(r"\breinici(?:e|ar|arlo|arla)\b")),
    },
    "clearing the cache": {
        "en": (
            _any(r"\bclear(?:ed|ing) (?:the |my )?(?:browser(?:[’']s)? )?(?:cache|cookies)\b"),
            _any(r"\bclear(?:ing)? (?:the |your )?(?:browser(?:[’']s)? )?(?:cache|cookies)\b"),
        ),
        "de": (
            _any(r"\b(?:cache|cookies) (?:schon |bereits )?(?:geleert|gelöscht)\b"),
            _any(
                r"\b(?:cache|cookies) (?:zu )?(?:leeren|löschen)\b",
                r"\b(?:leeren|löschen) sie [^.!?]{0,30}(?:cache|cookies)\b",
            ),
        ),
        "fr": (
            _any(r"\bvidé (?:le |mon )?cache\b", r"\beffacé (?:les )?cookies\b"),
            _any(r"\bvide[rz] (?:le |votre )?cache\b", r"\beffacer (?:les |vos )?cookies\b"),
        ),
        "es": (
            _any(r"\b(?:borrado|limpiado|borré|limpié) (?:la )?caché\b"),
            _any(r"\b(?:borr|limpi)(?:e|ar) (?:la )?caché\b"),
        ),
    },
    "resetting the password": {
        "en": (
            _any(
                r"\breset (?:my )?password\b",
                r"\bchanged my password\b",
                r"\bresetting my password\b",
                r"\bpassword\b[^.!?]{0,80}\b(?:reset|changed) it\b",
            ),
            _any(r"\breset(?:ting)? your password\b", r"\bchange your password\b"),
        ),
        "de": (
            _any(
                r"\bpasswort (?:schon |bereits )?zurückgesetzt\b",
                r"\bpasswort\b[^.!?]{0,80}\b(?:es|ihn) (?:\w+ )?(?:schon |bereits )?(?:zurückgesetzt|geändert)\b",
            ),
            _any(
                r"\bpasswort zurück(?:zu)?setzen\b",
                r"\bsetzen sie [^.!?]{0,30}passwort[^.!?]{0,20} zurück\b",
            ),
        ),
        "fr": (
            _any(
                r"\bréinitialisé mon mot de passe\b",
                r"\bmot de passe\b[^.!?]{0,80}\bl[’']ai (?:déjà |bien )?(?:réinitialisé|changé)\b",
            ),
            _any(r"\bréinitialise[rz] votre mot de passe\b"),
        ),
        "es": (
            _any(
                r"\b(?:restablecido|restablecí|cambiado|cambié) (?:mi|la) contraseña\b",
                r"\bcontraseña\b[^.!?]{0,80}\bla (?:he )?(?:restablecido|restablecí|cambiado|cambié)\b",
            ),
            _any(r"\brestablezca su contraseña\b", r"\brestablecer su contraseña\b"),
        ),
    },
    "signing out and in": {
        "en": (
            _any(r"\b(?:logged|signed) out\b", r"\b(?:logging|signing) out and (?:back )?in\b"),
            _any(r"\b(?:log|sign)(?:ging)? out\b"),
        ),
        "de": (
            _any(r"\b(?:ab|aus)gemeldet\b"),
            _any(r"\bmelden sie sich [^.!?]{0,20}ab\b", r"\babzumelden\b"),
        ),
        "fr": (_any(r"\bdéconnectée?\b"), _any(r"\bdéconnecte[rz]\b", r"\bdéconnectez-vous\b")),
        "es": (
            _any(r"\bcerrado (?:la )?sesión\b", r"\bcerré (?:la )?sesión\b"),
            _any(r"\bcierre (?:la )?sesión\b", r"\bcerrar (?:la )?sesión\b"),
        ),
    },
    "looking in the spam folder": {
        "en": (
            _any(
                r"\bchecked (?:my |the )?(?:spam|junk)\b",
                r"\b(?:not|nothing) in (?:my |the )?(?:spam|junk)\b",
            ),
            _any(r"\bcheck(?:ing)? (?:your |the )?(?:spam|junk)\b"),
        ),
        "de": (
            _any(r"\bspam(?:ordner)? (?:schon |bereits )?(?:geprüft|kontrolliert|nachgesehen)\b"),
            _any(r"\b(?:prüfen|schauen) sie [^.!?]{0,30}spam\b"),
        ),
        "fr": (
            _any(r"\bvérifié (?:mes |les )?(?:spams|courriers indésirables)\b"),
            _any(r"\bvérifie[rz] (?:vos |les )?(?:spams|courriers indésirables)\b"),
        ),
        "es": (
            _any(r"\b(?:revisado|revisé) (?:el |la carpeta de )?spam\b"),
            _any(r"\brevise (?:su |la carpeta de )?spam\b"),
        ),
    },
    "another browser": {
        "en": (
            _any(r"\b(?:tried|used|using|in) (?:another|a different|other) browsers?\b"),
            _any(r"\b(?:try|use|using) (?:another|a different) browser\b"),
        ),
        "de": (
            _any(
                r"\b(?:anderen|andere[mn]?) browser (?:schon |bereits )?(?:probiert|versucht|getestet)\b"
            ),
            _any(
                r"\b(?:anderen|andere[mn]) browser\b(?! (?:schon |bereits )?(?:probiert|versucht))"
            ),
        ),
        "fr": (
            _any(r"\bessayé (?:avec )?un autre navigateur\b"),
            _any(r"\bessaye[rz] (?:avec )?un autre navigateur\b"),
        ),
        "es": (
            _any(r"\bprobado (?:con )?otro navegador\b", r"\bprobé (?:con )?otro navegador\b"),
            _any(r"\bpruebe (?:con )?otro navegador\b"),
        ),
    },
    "updating": {
        "en": (
            _any(r"\bupdated (?:the app|it|to the latest|my app)\b", r"\bon the latest version\b"),
            _any(r"\bupdat(?:e|ing) (?:the app|your app|to the latest)\b"),
        ),
        "de": (
            _any(r"\b(?:app )?(?:schon |bereits )?aktualisiert\b"),
            _any(r"\baktualisieren sie\b", r"\bzu aktualisieren\b"),
        ),
        "fr": (_any(r"\bmis à jour\b"), _any(r"\bmettez à jour\b", r"\bmettre à jour\b")),
        "es": (
            _any(r"\bactualizad[oa]\b", r"\bactualicé\b"),
            _any(r"\bactualice\b", r"\bactualizar\b"),
        ),
    },
}

TRIED_WHY = "The customer wrote that they already did this; asking again reads as if nobody read their message."
TRIED_FIX = (
    'Say you saw it ("Thanks for already trying {step}") and suggest the next thing instead.'
)

# English passive voice: a form of "be" (maybe with an adverb) and a past participle.
BE = r"(?:am|is|are|was|were|be|been|being|isn[’']t|aren[’']t|wasn[’']t|weren[’']t)"
IRREGULAR = [
    "arisen",
    "awoken",
    "borne",
    "beaten",
    "become",
    "begun",
    "bent",
    "bet",
    "bound",
    "bitten",
    "blown",
    "broken",
    "brought",
    "built",
    "burnt",
    "bought",
    "caught",
    "chosen",
    "come",
    "cost",
    "crept",
    "cut",
    "dealt",
    "dug",
    "done",
    "drawn",
    "dreamt",
    "driven",
    "drunk",
    "eaten",
    "fallen",
    "fed",
    "felt",
    "fought",
    "found",
    "fled",
    "flown",
    "forbidden",
    "forgotten",
    "forgiven",
    "frozen",
    "got",
    "gotten",
    "given",
    "gone",
    "ground",
    "grown",
    "hung",
    "had",
    "heard",
    "hidden",
    "hit",
    "held",
    "hurt",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lent",
    "let",
    "lain",
    "lit",
    "lost",
    "made",
    "meant",
    "met",
    "paid",
    "put",
    "quit",
    "read",
    "ridden",
    "rung",
    "risen",
    "run",
    "said",
    "seen",
    "sought",
    "sold",
    "sent",
    "set",
    "shaken",
    "shed",
    "shot",
    "shown",
    "shut",
    "sung",
    "sunk",
    "sat",
    "slept",
    "slid",
    "spoken",
    "spent",
    "spun",
    "spread",
    "stood",
    "stolen",
    "stuck",
    "stung",
    "struck",
    "sworn",
    "swept",
    "swum",
    "swung",
    "taken",
    "taught",
    "torn",
    "told",
    "thought",
    "thrown",
    "understood",
    "woken",
    "worn",
    "won",
    "withdrawn",
    "written",
]
# -ed words after "be" that describe a state of the person, not an action done to something.
ADJECTIVAL = set(
    [
        "tired",
        "excited",
        "interested",
        "pleased",
        "delighted",
        "concerned",
        "worried",
        "surprised",
        "disappointed",
        "frustrated",
        "annoyed",
        "confused",
        "satisfied",
        "relieved",
        "scared",
        "thrilled",
        "amazed",
        "bored",
        "embarrassed",
        "impressed",
        "involved",
        "located",
        "based",
        "supposed",
        "used",
        "married",
        "prepared",
        "exhausted",
        "overwhelmed",
        "glad",
        "sorry",
        "aware",
        "overloaded",
        "attached",
        "enclosed",
        "included",
    ]
)
PASSIVE = re.compile(
    rf"\b{BE}\s+(?:(?:not|already|now|currently|being|also|automatically|just|still|then|usually)\s+)?"
    rf"((?:[a-z]+ed)|(?:{'|'.join(IRREGULAR)}))\b",
    re.IGNORECASE,
)
