# ruff: noqa: E501 (hand-written texts read best one entry a line)
"""Builds bench/data/assistant_set.json, the labelled (customer email, draft) pairs the reply
assistant's benchmark scores against.

Every customer email and every part of a draft below was written by hand for this set: a
scenario is a customer's message with a good reply to it (greeting, acknowledgement when they are
upset, what we found, steps, the next step); each flawed variant changes that reply in one or two
ways a support lead would point out, and is labelled with the finding types that change should
raise. The good reply itself is labelled with none. Run: python bench/assistant_set_build.py
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).parent / "data" / "assistant_set.json"


@dataclass
class Scenario:
    lang: str
    name: str
    customer: str
    body: str  # what we found / did
    next: str  # the next step and when
    upset: bool = False
    ack: str = ""  # acknowledging how they feel (upset scenarios)
    steps: list[str] = field(default_factory=list)
    tried_ask: str = ""  # asking again for a step the customer said they took


GREET = {"en": "Hi {n},", "de": "Hallo {n},", "fr": "Bonjour {n},", "es": "Hola, {n}:"}
GENERIC_GREET = {"en": "Hello,", "de": "Guten Tag,", "fr": "Bonjour,", "es": "Hola:"}
SIGN = {
    "en": "Best wishes,\nAnn",
    "de": "Viele Grüße\nAnn",
    "fr": "Cordialement,\nAnn",
    "es": "Saludos,\nAnn",
}
GENERIC_SORRY = {
    "en": [
        "Sorry for any inconvenience.",
        "We apologize for any inconvenience this may have caused.",
        "Sorry for the inconvenience.",
    ],
    "de": ["Entschuldigen Sie die Unannehmlichkeiten."],
    "fr": ["Désolés pour la gêne occasionnée."],
    "es": ["Disculpe las molestias."],
}
BLAME = {
    "en": [
        "As I already explained, this setting controls it.",
        "You should have checked the order page first.",
        "Per my last email, the option is in your settings.",
        "Obviously the form needs your order number.",
        "This happened because you failed to confirm the address.",
        "It is not our fault that the card expired.",
        "As we previously mentioned, the link expires after a day.",
        "If you had read the guide, this would not happen.",
        "Calm down, we are looking at it.",
        "You simply have to open the page again.",
    ],
    "de": [
        "Wie ich bereits erklärt habe, liegt es an der Einstellung.",
        "Sie hätten die Bestellung früher prüfen sollen.",
        "Das ist offensichtlich ein Tippfehler in Ihrer Adresse.",
        "Beruhigen Sie sich bitte, wir sehen es uns an.",
        "Das war Ihr Fehler bei der Eingabe.",
    ],
    "fr": [
        "Comme je vous l'ai déjà expliqué, le réglage est dans votre compte.",
        "Vous auriez dû vérifier la commande avant.",
        "Évidemment, il faut le numéro de commande.",
        "Calmez-vous, nous regardons le problème.",
        "C'est votre erreur de saisie.",
    ],
    "es": [
        "Como ya le expliqué, el ajuste está en su cuenta.",
        "Usted debería haber revisado el pedido antes.",
        "Obviamente el formulario necesita el número de pedido.",
        "Cálmese, estamos revisando el problema.",
        "Fue su culpa no confirmar la dirección.",
    ],
}
JARGON = {
    "en": [
        "The problem was in our backend.",
        "Your DNS change needs time to propagate.",
        "I cleared the cache on our side.",
        "We shipped a hotfix for the regression.",
        "Your API token had expired.",
        "The SSO config on your account was wrong.",
        "I have escalated this to the billing team.",
        "The webhook endpoint returned an error.",
    ],
    "de": [
        "Das Problem lag in unserem Backend.",
        "Ihr DNS-Eintrag braucht Zeit.",
        "Wir haben einen Hotfix eingespielt.",
    ],
    "fr": [
        "Le problème venait de notre backend.",
        "Nous avons déployé un hotfix.",
        "Votre token API avait expiré.",
    ],
    "es": [
        "El problema estaba en nuestro backend.",
        "Publicamos un hotfix ayer.",
        "Su token de la API había caducado.",
    ],
}
LONG = {
    "en": [
        "Because the order was placed before the price change but the payment was taken after the new prices came into force, "
        "our billing system charged the higher amount and we need to refund the difference to the card you used at checkout.",
        "When you changed the delivery address after the warehouse had already printed the label, the courier still had the old "
        "address in their system, which is why the parcel went back to the depot instead of coming to you.",
    ],
    "de": [
        "Weil die Bestellung vor der Preisänderung aufgegeben wurde, die Zahlung aber erst nach dem Inkrafttreten der neuen Preise "
        "eingezogen wurde, hat unser System den höheren Betrag berechnet, und wir erstatten Ihnen jetzt den Unterschied auf Ihre Karte."
    ],
    "fr": [
        "Comme la commande a été passée avant le changement de prix mais que le paiement a été encaissé après l'entrée en vigueur "
        "des nouveaux tarifs, notre système a facturé le montant le plus élevé et nous allons vous rembourser la différence sur votre carte."
    ],
    "es": [
        "Como el pedido se hizo antes del cambio de precio pero el pago se cobró después de que entraran en vigor los nuevos precios, "
        "nuestro sistema cobró el importe más alto y ahora le devolveremos la diferencia a la tarjeta que usó en la compra."
    ],
}
PASSIVE = [
    "Your refund was approved by the finance team.",
    "The order was cancelled by mistake.",
    "Your account has been locked by the system.",
    "The parcel was sent to the wrong depot.",
    "The invoice is generated at the end of the month.",
    "Your request was forwarded to the courier.",
]

S = Scenario
SCENARIOS: list[Scenario] = [
    # --- English -----------------------------------------------------------------------------
    S(
        "en",
        "Jane",
        "Hello, my order 1234 has not arrived yet. Can you help?",
        "I looked at order 1234: the courier has it at their depot in Leeds.",
        "I'll ask them to deliver it and write again by Friday noon.",
    ),
    S(
        "en",
        "Tom",
        "This is the THIRD time I write about my refund!! Nobody answers. I want my money back now.",
        "I checked your refund for order 5521 and found it stuck in our payment queue.",
        "I'll send it today, and you will see it on your card within 3 days.",
        upset=True,
        ack="I'm sorry you had to write three times; that is not how it should be.",
    ),
    S(
        "en",
        "Priya",
        "The app crashes when I open the camera. I already reinstalled it twice.",
        "Our developers found the crash: it happens on phones with the newest camera update.",
        "We will release a fix on Thursday, and I'll tell you when it is out.",
        tried_ask="Please reinstall the app and try again.",
    ),
    S(
        "en",
        "Marco",
        "How do I change the email address on my account?",
        "You can change it yourself in a minute.",
        "Write back if the new address does not show up within an hour.",
        steps=["Open Settings.", "Choose Account.", "Type the new address and press Save."],
    ),
    S(
        "en",
        "Olivia",
        "I was charged twice this month. This is really frustrating, I'm on a tight budget.",
        "We took the payment twice on the 3rd.",
        "I have refunded the second payment today; it reaches your bank within 5 days.",
        upset=True,
        ack="You are right, and I understand how stressful a double charge is when money is tight.",
    ),
    S(
        "en",
        "Ahmed",
        "I can't sign in. I already reset my password but it still says wrong password.",
        "I see that your account was still using the old sign-in address.",
        "I'll switch it to the new address now and confirm by email within the hour.",
        tried_ask="Could you reset your password one more time?",
    ),
    S(
        "en",
        "Lena",
        "Where can I download last year's invoices?",
        "All your invoices are in the billing section.",
        "If one is missing, reply with its month and I'll send it today.",
        steps=["Sign in to your account.", "Open Billing.", "Pick the year and press Download."],
    ),
    S(
        "en",
        "Sam",
        "Your update deleted all my saved playlists. I am furious. Years of work gone.",
        "Our team found the playlists in the backup from Monday.",
        "I'll restore them tonight and write to you tomorrow morning.",
        upset=True,
        ack="I'm so sorry the update wiped your playlists; I know how much work they hold.",
    ),
    S(
        "en",
        "Grace",
        "The website shows the wrong delivery date for my order.",
        "The date on the page is a display mistake, and your order is on schedule.",
        "It leaves our warehouse tomorrow, and you will get the tracking link by email in the evening.",
    ),
    S(
        "en",
        "Kenji",
        "The printer stopped printing in colour. I already restarted it and checked the ink.",
        "The colour setting switched off after the last driver update.",
        "I'll send you the settings file today so colour comes back.",
    ),
    S(
        "en",
        "Fatima",
        "Can I upgrade my plan in the middle of the month?",
        "Yes, and you only pay for the days left in the month.",
        "The new plan starts as soon as you confirm it.",
        steps=["Go to Plans.", "Choose the new plan.", "Press Confirm."],
    ),
    S(
        "en",
        "Daniel",
        "I have been waiting two weeks for a replacement. This is unacceptable. I will cancel if this isn't fixed.",
        "I found your replacement: it was never sent because of a stock error on our side.",
        "I'll send it by express today and email you the tracking number tonight.",
        upset=True,
        ack="Two weeks is far too long, and I'm sorry we let you down.",
    ),
    S(
        "en",
        "Chloe",
        "The confirmation email never arrived. I already checked my spam folder.",
        "Our mail server held back the email because of a typing mistake in the address.",
        "I have fixed the address and sent the email again just now; it should reach you within 10 minutes.",
        tried_ask="Please check your spam folder for the email.",
    ),
    S(
        "en",
        "Noah",
        "Do you ship to Norway?",
        "Yes, we ship to Norway, and delivery takes about 5 working days.",
        "I'll add the delivery cost to your basket when you check out.",
    ),
    S(
        "en",
        "Isabel",
        "Your chat bot keeps sending me in circles. I just want to talk to a person! Ridiculous.",
        "I'm a person, and I'm handling your question about the missing voucher now.",
        "I'll send you a new voucher code within the hour.",
        upset=True,
        ack="I can see why the bot was frustrating; you should not have had to fight it.",
    ),
    S(
        "en",
        "Oscar",
        "The video keeps buffering. I already tried a different browser.",
        "Our streaming servers in your region were overloaded last night.",
        "We added capacity this morning; I'll check your stream again at 5 pm today.",
        tried_ask="Try another browser and see if the video plays.",
    ),
    S(
        "en",
        "Mia",
        "How can I add a second user to my account?",
        "You can invite a second user from the team page.",
        "They get an invitation email within a few minutes.",
        steps=["Open Team.", "Press Invite.", "Enter their email address and press Send."],
    ),
    S(
        "en",
        "Lucas",
        "I was promised a call back yesterday and nobody called. Again.",
        "I have booked the call with our engineer for you.",
        "Rita will call you tomorrow at 10 am on the number ending 442.",
        upset=True,
        ack="I'm sorry we missed the call we promised; I know you set time aside for it.",
    ),
    S(
        "en",
        "Emma",
        "My discount code says it is invalid.",
        "The code ran out a day earlier than the email said.",
        "I have made you a new code that works until the end of the month: SPRING25.",
    ),
    S(
        "en",
        "Yusuf",
        "The sync between my phone and laptop stopped. I already logged out and back in.",
        "Your laptop is on an old version that no longer talks to the phone app.",
        "I'll send you the download link for the new version today.",
        tried_ask="Please log out and sign in again on both devices.",
    ),
    S(
        "en",
        "Hannah",
        "Can I return a gift without the receipt?",
        "Yes, you can return it with the order number from the gift card.",
        "Bring it to any shop within 30 days, or reply and I'll send a return label today.",
    ),
    S(
        "en",
        "Leo",
        "I've been charged after cancelling. You people are useless. Fix it now!!",
        "You cancelled on the 2nd, and we still charged you on the 5th.",
        "I have refunded the charge today; it shows on your card within 3 days.",
        upset=True,
        ack="You are right to be angry: we should not have charged you.",
    ),
    S(
        "en",
        "Zoe",
        "How do I turn off the weekly emails?",
        "You can stop them from the notifications page.",
        "The change takes effect from next week.",
        steps=["Open Profile.", "Choose Notifications.", "Untick Weekly summary and press Save."],
    ),
    S(
        "en",
        "Ethan",
        "My tablet won't charge. I already tried another cable and restarted it.",
        "From the photo, the charging port looks bent.",
        "I'll send you a prepaid box today so our workshop can repair it this week.",
    ),
    # --- German ------------------------------------------------------------------------------
    S(
        "de",
        "Anna",
        "Meine Bestellung 7781 ist noch nicht angekommen. Können Sie nachsehen?",
        "Ich habe nachgesehen: Das Paket liegt beim Zusteller in Köln.",
        "Ich bitte ihn um Zustellung und melde mich bis Freitag bei Ihnen.",
    ),
    S(
        "de",
        "Jonas",
        "Das ist schon das dritte Mal, dass ich schreibe!! Ich will endlich mein Geld zurück.",
        "Ihre Erstattung hing in unserer Zahlungsschlange fest.",
        "Ich überweise sie heute, und Sie sehen den Betrag innerhalb von 3 Tagen auf Ihrem Konto.",
        upset=True,
        ack="Es tut mir leid, dass Sie dreimal schreiben mussten.",
    ),
    S(
        "de",
        "Lukas",
        "Die App stürzt beim Start ab. Ich habe sie schon neu installiert.",
        "Unsere Entwickler haben den Fehler gefunden.",
        "Wir veröffentlichen am Donnerstag ein Update, und ich sage Ihnen Bescheid.",
        tried_ask="Bitte versuchen Sie, die App neu zu installieren.",
    ),
    S(
        "de",
        "Sophie",
        "Wie ändere ich meine E-Mail-Adresse?",
        "Das geht in einer Minute.",
        "Antworten Sie mir, falls die neue Adresse nicht innerhalb einer Stunde erscheint.",
        steps=[
            "Öffnen Sie die Einstellungen.",
            "Wählen Sie Konto.",
            "Geben Sie die neue Adresse ein und klicken Sie auf Speichern.",
        ],
    ),
    S(
        "de",
        "Felix",
        "Sie haben mir zweimal abgebucht. Das ist wirklich ärgerlich.",
        "Wir haben am 3. zweimal abgebucht.",
        "Ich habe die zweite Zahlung heute erstattet.",
        upset=True,
        ack="Sie haben recht, und ich verstehe, wie ärgerlich eine doppelte Abbuchung ist.",
    ),
    S(
        "de",
        "Mia",
        "Ich kann mich nicht anmelden, obwohl ich das Passwort schon zurückgesetzt habe.",
        "Ihr Konto hat noch die alte Adresse verwendet.",
        "Ich stelle es jetzt um und bestätige es Ihnen heute per E-Mail.",
        tried_ask="Bitte setzen Sie Ihr Passwort noch einmal zurück.",
    ),
    # --- French ------------------------------------------------------------------------------
    S(
        "fr",
        "Camille",
        "Ma commande 3310 n'est toujours pas arrivée. Pouvez-vous vérifier ?",
        "J'ai vérifié : le colis est au dépôt du transporteur à Lyon.",
        "Je leur demande de le livrer et je reviens vers vous d'ici vendredi.",
    ),
    S(
        "fr",
        "Hugo",
        "C'est la troisième fois que j'écris !! Je veux être remboursé maintenant.",
        "Votre remboursement était bloqué dans notre file de paiement.",
        "Je l'envoie aujourd'hui, et vous le verrez sur votre carte sous 3 jours.",
        upset=True,
        ack="Je suis navré que vous ayez dû écrire trois fois.",
    ),
    S(
        "fr",
        "Léa",
        "L'application plante au démarrage. Je l'ai déjà réinstallée.",
        "Nos développeurs ont trouvé la cause du plantage.",
        "Nous publions une correction jeudi et je vous préviens dès qu'elle est disponible.",
        tried_ask="Pouvez-vous réinstaller l'application ?",
    ),
    S(
        "fr",
        "Louis",
        "Comment changer mon adresse e-mail ?",
        "Cela prend une minute.",
        "Répondez-moi si la nouvelle adresse n'apparaît pas d'ici une heure.",
        steps=[
            "Ouvrez les Paramètres.",
            "Choisissez Compte.",
            "Saisissez la nouvelle adresse et cliquez sur Enregistrer.",
        ],
    ),
    S(
        "fr",
        "Manon",
        "Vous m'avez débité deux fois. C'est vraiment agaçant.",
        "Nous avons débité deux fois le 3.",
        "J'ai remboursé le second paiement aujourd'hui.",
        upset=True,
        ack="Vous avez raison, et je comprends à quel point un double débit est agaçant.",
    ),
    # --- Spanish -----------------------------------------------------------------------------
    S(
        "es",
        "Lucía",
        "Mi pedido 4410 todavía no ha llegado. ¿Pueden revisarlo?",
        "Lo he revisado: el paquete está en el almacén del transportista en Sevilla.",
        "Les pediré que lo entreguen y le escribiré antes del viernes.",
    ),
    S(
        "es",
        "Javier",
        "¡¡Es la tercera vez que escribo!! Quiero mi dinero ya.",
        "Su reembolso estaba atascado en nuestra cola de pagos.",
        "Lo envío hoy y lo verá en su tarjeta en 3 días.",
        upset=True,
        ack="Lamento mucho que haya tenido que escribir tres veces.",
    ),
    S(
        "es",
        "Sofía",
        "La aplicación se cierra al abrirla. Ya la he reinstalado dos veces.",
        "Nuestros desarrolladores encontraron el fallo.",
        "Publicaremos una corrección el jueves y le avisaré cuando esté lista.",
        tried_ask="Por favor, reinstale la aplicación.",
    ),
    S(
        "es",
        "Pablo",
        "¿Cómo cambio el correo de mi cuenta?",
        "Puede hacerlo en un minuto.",
        "Respóndame si la nueva dirección no aparece en 1 hora.",
        steps=["Abra Ajustes.", "Elija Cuenta.", "Escriba la nueva dirección y pulse Guardar."],
    ),
    S(
        "es",
        "Carmen",
        "Me cobraron dos veces. Es muy frustrante.",
        "Cobramos dos veces el día 3.",
        "He devuelto el segundo cobro hoy.",
        upset=True,
        ack="Tiene razón, y entiendo lo frustrante que es un cobro doble.",
    ),
]


# Held out: whole pairs written in other words than the ones above, after the checks were last
# changed, labelled by what a support lead would point out; scored separately, never tuned on.
HELD_OUT: list[tuple[str, str, bool, str, str, list[str]]] = [
    # (lang, name, upset, customer, draft, expected)
    (
        "en",
        "Rob",
        True,
        "I've asked for this invoice three times already. Is anyone even reading these?",
        "Hi Rob,\n\nYou're right to be annoyed, and I apologise that it took three emails. The invoice is attached to this reply.\n\nIf anything on it looks wrong, reply here and I'll correct it today.\n\nAnn",
        [],
    ),
    (
        "en",
        "Rob",
        True,
        "I've asked for this invoice three times already. Is anyone even reading these?",
        "Hi Rob,\n\nThe invoice is attached to this reply.\n\nIf anything on it looks wrong, reply here and I'll correct it today.\n\nAnn",
        ["empathy"],
    ),
    (
        "en",
        "Alice",
        False,
        "My package says delivered but it isn't here.",
        "Hi Alice,\n\nI've opened a trace with the courier. They usually answer within two working days, and I'll email you as soon as they do.\n\nAnn",
        [],
    ),
    (
        "en",
        "Alice",
        False,
        "My package says delivered but it isn't here.",
        "Hi Alice,\n\nI've opened a trace with the courier.\n\nAnn",
        ["clarity"],
    ),
    (
        "en",
        "Peter",
        False,
        "How do I export my contacts?",
        "Hi Peter,\n\nGo to Contacts, click the three dots at the top, choose Export and pick CSV. The file downloads straight away. Then open it in your spreadsheet program.\n\nAnn",
        ["clarity", "jargon"],
    ),
    (
        "en",
        "Peter",
        False,
        "How do I export my contacts?",
        "Hi Peter,\n\n1. Go to Contacts.\n2. Click the three dots at the top.\n3. Choose Export.\n\nThe file downloads straight away.\n\nAnn",
        [],
    ),
    (
        "en",
        "Nina",
        False,
        "The app logs me out every few minutes. I already cleared the cache and reinstalled.",
        "Hi Nina,\n\nSorry about that. Could you clear the cache once more and let me know?\n\nAnn",
        ["jargon", "personal"],
    ),
    (
        "en",
        "Nina",
        False,
        "The app logs me out every few minutes. I already cleared the cache and reinstalled.",
        "Hi Nina,\n\nThanks for already trying those two things. Our developers found a bug in the sign-in timer, and we will release the fix on Wednesday.\n\nAnn",
        [],
    ),
    (
        "en",
        "Omar",
        False,
        "Why did my bill go up?",
        "Hi Omar,\n\nThe price change was announced in March. Obviously the new rate applies from your next renewal, which I'll explain in more detail tomorrow.\n\nAnn",
        ["blame", "readability"],
    ),
    (
        "en",
        "Omar",
        False,
        "Why did my bill go up?",
        "Hi Omar,\n\nWe announced a new price in March, and it applies from your renewal on the 1st. I'll send you a breakdown of the two amounts today.\n\nAnn",
        [],
    ),
    (
        "en",
        "Julia",
        True,
        "This is ridiculous. My account got suspended for no reason and I have a client meeting in an hour!!",
        "Hi Julia,\n\nWe apologise for any inconvenience. Your account is active again.\n\nAnn",
        ["empathy", "clarity"],
    ),
    (
        "en",
        "Julia",
        True,
        "This is ridiculous. My account got suspended for no reason and I have a client meeting in an hour!!",
        "Hi Julia,\n\nI'm really sorry this happened right before your meeting. I have switched your account back on just now, and I'll find out why it was stopped by tomorrow.\n\nAnn",
        ["readability"],
    ),
    (
        "en",
        "Ben",
        False,
        "Can you send me a copy of my contract?",
        "Hello,\n\nAttached is a copy of your contract. Let me know if you need the signed version too and I will send it today.\n\nAnn",
        ["personal"],
    ),
    (
        "en",
        "Ben",
        False,
        "Can you send me a copy of my contract?",
        "Hi Ben,\n\nPer my previous message, the contract is in your account under Documents. I will attach it here as well today.\n\nAnn",
        ["blame"],
    ),
    (
        "en",
        "Carla",
        False,
        "Your form doesn't accept my postcode.",
        "Hi Carla,\n\nThe form wants the postcode without the space, so 'SW1A1AA'. We'll fix the form so it accepts both by Friday.\n\nAnn",
        [],
    ),
    (
        "en",
        "Carla",
        False,
        "Your form doesn't accept my postcode.",
        "Hi Carla,\n\nThe validation regex on the frontend rejects the space. We'll fix it by Friday.\n\nAnn",
        ["jargon"],
    ),
    (
        "en",
        "Dev",
        False,
        "I can't connect my bank. I already logged out and back in.",
        "Hi Dev,\n\nPlease log out and log back in, then try connecting the bank again.\n\nAnn",
        ["personal"],
    ),
    (
        "en",
        "Dev",
        False,
        "I can't connect my bank. I already logged out and back in.",
        "Hi Dev,\n\nYour bank changed how it lets apps connect last week. We are updating our side and I'll tell you on Thursday when it works again.\n\nAnn",
        [],
    ),
    (
        "en",
        "Eva",
        False,
        "Hi, is there a student discount?",
        "Hi Eva,\n\nYes: students get 30% off with a university email address. Sign up with that address and the discount applies at checkout.\n\nAnn",
        [],
    ),
    (
        "en",
        "Eva",
        False,
        "Hi, is there a student discount?",
        "Hi Eva,\n\nStudents are entitled to a discount which is applied automatically when a sign-up is completed using an address that has been issued by an accredited institution of higher education, provided the enrolment can be verified.\n\nAnn",
        ["readability", "clarity"],
    ),
    # German
    (
        "de",
        "Paul",
        True,
        "Ich warte seit drei Wochen auf meine Rückerstattung! Das ist eine Frechheit.",
        "Hallo Paul,\n\nDrei Wochen sind viel zu lang, und ich verstehe Ihren Ärger. Ich habe die Erstattung heute angewiesen.\n\nViele Grüße\nAnn",
        [],
    ),
    (
        "de",
        "Paul",
        True,
        "Ich warte seit drei Wochen auf meine Rückerstattung! Das ist eine Frechheit.",
        "Hallo Paul,\n\nFür eventuelle Unannehmlichkeiten bitten wir um Entschuldigung. Die Erstattung ist heute angewiesen.\n\nViele Grüße\nAnn",
        ["empathy"],
    ),
    (
        "de",
        "Eva",
        False,
        "Wie kann ich mein Abo kündigen?",
        "Hallo Eva,\n\nGehen Sie einfach auf Konto und klicken Sie auf Kündigen. Sie erhalten dann eine Bestätigung per E-Mail.\n\nViele Grüße\nAnn",
        ["blame"],
    ),
    (
        "de",
        "Eva",
        False,
        "Wie kann ich mein Abo kündigen?",
        "Guten Tag,\n\nSie können in Ihrem Konto unter Abo kündigen. Sie erhalten dann eine Bestätigung per E-Mail.\n\nViele Grüße\nAnn",
        ["personal"],
    ),
    (
        "de",
        "Max",
        False,
        "Die Seite lädt nicht. Ich habe schon einen anderen Browser probiert.",
        "Hallo Max,\n\nWie ich schon gesagt habe, liegt es an Ihrem Netzwerk. Wir prüfen es morgen noch einmal.\n\nViele Grüße\nAnn",
        ["blame"],
    ),
    (
        "de",
        "Max",
        False,
        "Die Seite lädt nicht. Ich habe schon einen anderen Browser probiert.",
        "Hallo Max,\n\nUnsere Server in Frankfurt hatten heute Morgen eine Störung. Seit 11 Uhr läuft wieder alles; bitte laden Sie die Seite neu.\n\nViele Grüße\nAnn",
        [],
    ),
    # French
    (
        "fr",
        "Claire",
        False,
        "Je n'arrive pas à télécharger ma facture.",
        "Bonjour Claire,\n\nVoici votre facture en pièce jointe. Je vérifie le bouton de téléchargement et je vous réponds demain.\n\nCordialement,\nAnn",
        [],
    ),
    (
        "fr",
        "Claire",
        False,
        "Je n'arrive pas à télécharger ma facture.",
        "Bonjour Claire,\n\nIl suffit de cliquer sur Factures. Vous trouverez le fichier là-bas.\n\nCordialement,\nAnn",
        ["blame"],
    ),
    (
        "fr",
        "Julien",
        True,
        "Troisième fois que je vous écris, toujours rien. Inadmissible !",
        "Bonjour Julien,\n\nJe suis vraiment navré que vous ayez dû nous relancer. Votre commande part aujourd'hui.\n\nCordialement,\nAnn",
        [],
    ),
    (
        "fr",
        "Julien",
        True,
        "Troisième fois que je vous écris, toujours rien. Inadmissible !",
        "Bonjour Julien,\n\nVotre commande part aujourd'hui.\n\nCordialement,\nAnn",
        ["empathy"],
    ),
    (
        "fr",
        "Inès",
        False,
        "Mon mot de passe ne marche plus, je l'ai déjà réinitialisé deux fois.",
        "Bonjour Inès,\n\nPouvez-vous réinitialiser votre mot de passe depuis la page de connexion ?\n\nCordialement,\nAnn",
        ["personal"],
    ),
    # Spanish
    (
        "es",
        "Diego",
        False,
        "No me llega el código de verificación.",
        "Hola, Diego:\n\nHe revisado su cuenta y el número de teléfono tenía un dígito de más. Ya lo he corregido; recibirá el código en unos minutos.\n\nSaludos,\nAnn",
        [],
    ),
    (
        "es",
        "Diego",
        False,
        "No me llega el código de verificación.",
        "Hola, Diego:\n\nObviamente el número de teléfono estaba mal. Ya lo he corregido.\n\nSaludos,\nAnn",
        ["blame", "clarity"],
    ),
    (
        "es",
        "Elena",
        True,
        "¡Llevo una semana sin servicio! Es inaceptable.",
        "Hola, Elena:\n\nLamento mucho que lleve una semana sin servicio. Un técnico irá a su casa mañana entre las 9 y las 12.\n\nSaludos,\nAnn",
        [],
    ),
    (
        "es",
        "Elena",
        True,
        "¡Llevo una semana sin servicio! Es inaceptable.",
        "Hola, Elena:\n\nDisculpe las molestias ocasionadas. Un técnico irá a su casa mañana entre las 9 y las 12.\n\nSaludos,\nAnn",
        ["empathy"],
    ),
    (
        "es",
        "Raúl",
        False,
        "¿Cómo cambio mi plan?",
        "Hola:\n\nPuede cambiarlo en Ajustes, en la sección Plan. El cambio se aplica desde hoy.\n\nSaludos,\nAnn",
        ["personal"],
    ),
]


def draft(
    sc: Scenario,
    *,
    greet: bool = True,
    ack: str | None = None,
    extra_first: str = "",
    extra_last: str = "",
    steps: str = "numbered",
    next_step: bool = True,
    ask: str = "",
) -> str:
    parts = [GREET[sc.lang].format(n=sc.name) if greet else GENERIC_GREET[sc.lang], ""]
    lead = [
        p for p in ((sc.ack if ack is None else ack), extra_first, sc.body, ask, extra_last) if p
    ]
    parts.append(" ".join(lead))
    if sc.steps:
        if steps == "numbered":
            parts += ["", *[f"{i}. {s}" for i, s in enumerate(sc.steps, 1)]]
        else:
            parts += ["", " ".join(sc.steps)]
    if next_step:
        parts += ["", sc.next]
    parts += ["", SIGN[sc.lang]]
    return "\n".join(parts)


def pairs() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []

    def add(sc: Scenario, text: str, expected: list[str], note: str) -> None:
        out.append(
            {
                "id": len(out) + 1,
                "language": sc.lang,
                "customer": {"name": sc.name, "upset": sc.upset, "text": sc.customer},
                "draft": text,
                "expected": sorted(set(expected)),
                "variant": note,
            }
        )

    for i, sc in enumerate(SCENARIOS):
        lang = sc.lang

        def pick(items: list[str], i: int = i) -> str:
            return items[i % len(items)]

        add(sc, draft(sc), [], "good reply")
        add(sc, draft(sc, extra_first=pick(BLAME[lang])), ["blame"], "blames or talks down")
        add(sc, draft(sc, extra_last=pick(JARGON[lang])), ["jargon"], "jargon")
        long_or_passive = pick(LONG[lang]) if lang != "en" or i % 2 else pick(PASSIVE)
        add(
            sc,
            draft(sc, extra_last=long_or_passive),
            ["readability"],
            "long sentence or passive voice",
        )
        add(sc, draft(sc, greet=False), ["personal"], "not addressed by name")
        if sc.tried_ask:
            add(sc, draft(sc, ask=sc.tried_ask), ["personal"], "asks for what they already tried")
        if sc.upset:
            add(sc, draft(sc, ack=""), ["empathy"], "upset, not acknowledged")
            add(
                sc,
                draft(sc, ack=pick(GENERIC_SORRY[lang])),
                ["empathy"],
                "upset, only a generic apology",
            )
            add(
                sc,
                draft(sc, ack="", extra_first=pick(BLAME[lang])),
                ["empathy", "blame"],
                "upset, blamed",
            )
        if sc.steps:
            add(sc, draft(sc, steps="inline"), ["clarity"], "steps run together")
            add(
                sc,
                draft(sc, steps="inline", greet=False),
                ["clarity", "personal"],
                "steps run together, no name",
            )
        else:
            add(sc, draft(sc, next_step=False), ["clarity"], "no next step or time")
            add(
                sc,
                draft(sc, next_step=False, extra_last=pick(JARGON[lang])),
                ["clarity", "jargon"],
                "no next step, jargon",
            )
    return out


# A second held-out set, written after the first one's misses were read and before the checks
# were changed for them: other customers and other words, labelled by what a support lead would
# point out (not by what the checks find); scored separately, never tuned on.
HELD_OUT_2: list[tuple[str, str, bool, str, str, list[str]]] = [
    # (lang, name, upset, customer, draft, expected)
    ("en", "Sam", False, "I was charged twice for my subscription this month.", "Hi Sam,\n\nYou're right, I can see two charges on 3 May. I've refunded the second one, and it will show on your card within five working days.\n\nAnn", []),
    ("en", "Sam", False, "I was charged twice for my subscription this month.", "Hi Sam,\n\nThe second charge has been refunded.\n\nAnn", ["clarity", "readability"]),
    ("en", "Lena", True, "This is the fourth time the app has crashed during a payment. I'm furious.", "Hi Lena,\n\nPlease update the app to the latest version and try again.\n\nAnn", ["empathy"]),
    ("en", "Lena", True, "This is the fourth time the app has crashed during a payment. I'm furious.", "Hi Lena,\n\nI'm sorry the app crashed four times in the middle of a payment; that is maddening. Our developers found the fault and the fix goes out tomorrow morning. I'll write to you as soon as it is live.\n\nAnn", []),
    ("en", "Omar", False, "How do I add a second user to my account?", "Hello,\n\nOpen Settings. Choose Team. Click Invite and type their email address. They will get an invitation right away.\n\nAnn", ["clarity", "personal"]),
    ("en", "Omar", False, "How do I add a second user to my account?", "Hi Omar,\n\nTo add someone:\n1. Open Settings.\n2. Choose Team.\n3. Click Invite and type their email address.\n\nThey will get an invitation right away.\n\nAnn", []),
    ("en", "Grace", False, "I can't log in, the code never arrives. I already restarted my phone.", "Hi Grace,\n\nSorry about the trouble. Could you restart your phone and request a new 2FA code?\n\nAnn", ["jargon", "personal"]),
    ("en", "Grace", False, "I can't log in, the code never arrives. I already restarted my phone.", "Hi Grace,\n\nThanks for restarting your phone already. I've switched your account to codes by email, so the next code will reach your inbox within a minute. Let me know if it doesn't.\n\nAnn", []),
    ("de", "Jonas", False, "Meine Rechnung für April fehlt im Kundenkonto.", "Hallo Jonas,\n\ndanke für den Hinweis. Ich habe die Rechnung für April neu erstellt, sie steht ab sofort in Ihrem Kundenkonto. Ich schicke sie Ihnen heute zusätzlich per E-Mail.\n\nViele Grüße\nAnn", []),
    ("de", "Jonas", False, "Meine Rechnung für April fehlt im Kundenkonto.", "Guten Tag,\n\nwir schauen uns die fehlende Rechnung an.\n\nViele Grüße\nAnn", ["clarity", "personal"]),
    ("de", "Petra", True, "Schon wieder wurde mein Paket nicht geliefert. Das ist eine Frechheit!", "Hallo Petra,\n\nwie bereits erklärt, liegt das an der Adresse. Ich habe sie korrigiert und das Paket geht morgen erneut raus.\n\nViele Grüße\nAnn", ["blame", "empathy"]),
    ("de", "Petra", True, "Schon wieder wurde mein Paket nicht geliefert. Das ist eine Frechheit!", "Hallo Petra,\n\nes tut mir leid, dass Ihr Paket schon wieder nicht angekommen ist – ich verstehe Ihren Ärger. Ich habe die Hausnummer in der Adresse korrigiert, und das Paket geht morgen früh erneut raus. Die Sendungsnummer schicke ich Ihnen heute noch.\n\nViele Grüße\nAnn", []),
    ("de", "Timo", False, "Die App stürzt beim Start ab. Ich habe sie schon neu installiert.", "Hallo Timo,\n\nbitte installieren Sie die App neu und melden Sie sich dann wieder an. Ich prüfe heute die Fehlerprotokolle.\n\nViele Grüße\nAnn", ["personal"]),
    ("de", "Timo", False, "Die App stürzt beim Start ab. Ich habe sie schon neu installiert.", "Hallo Timo,\n\ndanke, dass Sie die App schon neu installiert haben. Der Absturz kommt von einem Fehler im letzten Update; wir beheben ihn mit einem Hotfix, der bis Freitag kommt.\n\nViele Grüße\nAnn", ["jargon"]),
    ("fr", "Julie", False, "Je n'ai pas reçu l'e-mail de confirmation de ma commande.", "Bonjour Julie,\n\nJe vous renvoie la confirmation à l'instant ; vous la recevrez dans quelques minutes. Si elle n'arrive pas, regardez dans vos courriers indésirables.\n\nCordialement,\nAnn", []),
    ("fr", "Julie", False, "Je n'ai pas reçu l'e-mail de confirmation de ma commande.", "Bonjour,\n\nÉvidemment, l'e-mail est parfois classé dans les courriers indésirables.\n\nCordialement,\nAnn", ["blame", "clarity", "personal"]),
    ("fr", "Marc", True, "Trois semaines sans réponse pour mon remboursement, c'est inadmissible.", "Bonjour Marc,\n\nDésolés pour la gêne occasionnée. Le remboursement part aujourd'hui.\n\nCordialement,\nAnn", ["empathy"]),
    ("fr", "Marc", True, "Trois semaines sans réponse pour mon remboursement, c'est inadmissible.", "Bonjour Marc,\n\nVous avez raison, trois semaines sans réponse, ce n'est pas acceptable, et je m'en excuse. J'ai validé votre remboursement ce matin : il apparaîtra sur votre compte d'ici trois jours ouvrés.\n\nCordialement,\nAnn", []),
    ("fr", "Sophie", False, "Mon application ne se synchronise plus. J'ai déjà vidé le cache.", "Bonjour Sophie,\n\nPouvez-vous vider le cache de l'application et me dire si cela change quelque chose ?\n\nCordialement,\nAnn", ["jargon", "personal"]),
    ("es", "Diego", False, "No puedo descargar mi factura de marzo.", "Hola, Diego:\n\nLe he enviado la factura de marzo por correo hace un momento. Si no la ve en su bandeja de entrada en diez minutos, responda a este mensaje y se la mando de otra forma.\n\nSaludos,\nAnn", []),
    ("es", "Diego", False, "No puedo descargar mi factura de marzo.", "Hola:\n\nSimplemente vaya a Facturas y descárguela.\n\nSaludos,\nAnn", ["blame", "personal"]),
    ("es", "Carmen", True, "Es la tercera vez que escribo y nadie me responde. Estoy harta.", "Hola, Carmen:\n\nDisculpe las molestias. Hemos revisado su cuenta y el problema está resuelto.\n\nSaludos,\nAnn", ["empathy"]),
    ("es", "Carmen", True, "Es la tercera vez que escribo y nadie me responde. Estoy harta.", "Hola, Carmen:\n\nTiene toda la razón: escribir tres veces sin respuesta es inaceptable, y lo siento mucho. He corregido el error de su cuenta hoy mismo y ya puede entrar con normalidad. Mañana le escribo para confirmar que todo sigue bien.\n\nSaludos,\nAnn", []),
    ("es", "Luis", False, "La página de pago me da un error.", "Hola, Luis:\n\nEl error viene de la latencia del backend y ya lo hemos escalado.\n\nSaludos,\nAnn", ["clarity", "jargon"]),
]  # fmt: skip


# A third held-out set, written after the checks were changed for the first two (whose misses
# had been read, so their figures no longer say how the checks do on new drafts): labelled by
# what a support lead would point out, scored once and never tuned on.
HELD_OUT_3: list[tuple[str, str, bool, str, str, list[str]]] = [
    # (lang, name, upset, customer, draft, expected)
    ("en", "Priya", False, "Can I change the delivery address on order 5521?", "Hi Priya,\n\nYes. I've changed the address on order 5521 to 12 Park Lane, and the courier has the new one. It still arrives on Thursday.\n\nAnn", []),
    ("en", "Priya", False, "Can I change the delivery address on order 5521?", "Hi Priya,\n\nThe address can be changed in your account. Simply open the order and edit it.\n\nAnn", ["blame", "readability"]),
    ("en", "Tom", True, "Your app deleted all my notes. Years of work, gone. I want them back NOW.", "Hi Tom,\n\nI'm so sorry, losing years of notes is awful. Our backups keep every note for 90 days, so I've started restoring yours; they'll be back in your account within two hours, and I'll email you the moment they are.\n\nAnn", []),
    ("en", "Tom", True, "Your app deleted all my notes. Years of work, gone. I want them back NOW.", "Hello,\n\nWe apologize for any inconvenience this may have caused. The sync issue was caused by a regression in the last release.\n\nAnn", ["clarity", "empathy", "jargon", "personal", "readability"]),
    ("de", "Anna", False, "Wie kann ich mein Abo kündigen?", "Hallo Anna,\n\nso geht es:\n1. Öffnen Sie Konto.\n2. Wählen Sie Abo.\n3. Klicken Sie auf Kündigen.\n\nSie erhalten danach sofort eine Bestätigung per E-Mail.\n\nViele Grüße\nAnn", []),
    ("de", "Anna", False, "Wie kann ich mein Abo kündigen?", "Hallo Anna,\n\nöffnen Sie Konto, wählen Sie Abo und klicken Sie dann auf Kündigen. Offensichtlich steht das auch in der Hilfe.\n\nViele Grüße\nAnn", ["blame", "clarity"]),
    ("de", "Uwe", True, "Seit drei Tagen kann ich mich nicht einloggen und niemand antwortet!", "Hallo Uwe,\n\nentschuldigen Sie die Unannehmlichkeiten. Ich habe Ihr Konto entsperrt, Sie können sich ab sofort wieder anmelden.\n\nViele Grüße\nAnn", ["empathy"]),
    ("de", "Uwe", True, "Seit drei Tagen kann ich mich nicht einloggen und niemand antwortet!", "Hallo Uwe,\n\ndrei Tage ohne Zugang und ohne Antwort – das tut mir wirklich leid. Ich habe Ihr Konto eben entsperrt; Sie können sich ab sofort wieder anmelden. Ich schaue morgen früh nach, ob alles läuft.\n\nViele Grüße\nAnn", []),
    ("fr", "Léa", False, "Ma carte a été débitée mais la commande n'apparaît pas.", "Bonjour Léa,\n\nJ'ai retrouvé votre paiement : la commande n'avait pas été créée à cause d'une coupure de notre côté. Je l'ai créée à la main ce matin et elle partira demain.\n\nCordialement,\nAnn", []),
    ("fr", "Léa", False, "Ma carte a été débitée mais la commande n'apparaît pas.", "Bonjour Léa,\n\nLe paiement a été bloqué par le backend.\n\nCordialement,\nAnn", ["clarity", "jargon"]),
    ("fr", "Hugo", False, "L'application plante à l'ouverture. Je l'ai déjà réinstallée.", "Bonjour Hugo,\n\nPourriez-vous réinstaller l'application et me dire si le problème persiste ?\n\nCordialement,\nAnn", ["personal"]),
    ("fr", "Hugo", False, "L'application plante à l'ouverture. Je l'ai déjà réinstallée.", "Bonjour Hugo,\n\nMerci d'avoir déjà réinstallé l'application. Le plantage vient de la dernière mise à jour ; une correction sort jeudi et je vous préviendrai dès qu'elle sera disponible.\n\nCordialement,\nAnn", []),
    ("es", "Ana", False, "¿Cómo descargo mis datos?", "Hola, Ana:\n\nPara descargarlos:\n1. Abra Ajustes.\n2. Elija Privacidad.\n3. Pulse Descargar mis datos.\n\nRecibirá un enlace por correo en unos minutos.\n\nSaludos,\nAnn", []),
    ("es", "Ana", False, "¿Cómo descargo mis datos?", "Hola:\n\nAbra Ajustes. Elija Privacidad. Pulse Descargar mis datos.\n\nSaludos,\nAnn", ["clarity", "personal"]),
    ("es", "Raúl", True, "¡Llevo dos semanas esperando el reembolso! Es la última vez que compro aquí.", "Hola, Raúl:\n\nComo ya le expliqué, los reembolsos tardan.\n\nSaludos,\nAnn", ["blame", "clarity", "empathy"]),
    ("es", "Raúl", True, "¡Llevo dos semanas esperando el reembolso! Es la última vez que compro aquí.", "Hola, Raúl:\n\nTiene razón, dos semanas es demasiado y lo siento. He comprobado que el reembolso salió ayer; lo verá en su cuenta en tres días hábiles como máximo.\n\nSaludos,\nAnn", []),
]  # fmt: skip


def held_out(
    rows: list[tuple[str, str, bool, str, str, list[str]]], first_id: int
) -> list[dict[str, object]]:
    return [
        {
            "id": first_id + i,
            "language": lang,
            "customer": {"name": name, "upset": upset, "text": customer},
            "draft": text,
            "expected": sorted(expected),
            "variant": "held out",
        }
        for i, (lang, name, upset, customer, text, expected) in enumerate(rows)
    ]


if __name__ == "__main__":
    data = {
        "about": "Labelled (customer email, draft) pairs for bench/assistant.py, written by hand "
        "for caredesk (see bench/assistant_set_build.py). expected: the finding types the draft "
        "should raise; none for a good reply.",
        "pairs": pairs(),
        "held_out": held_out(HELD_OUT, 1001),
        "held_out_2": held_out(HELD_OUT_2, 2001),
        "held_out_3": held_out(HELD_OUT_3, 3001),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(data['pairs'])} pairs, {len(data['held_out'])}, {len(data['held_out_2'])} and "
        f"{len(data['held_out_3'])} held out -> {OUT}"
    )
