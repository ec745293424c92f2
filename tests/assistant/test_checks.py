"""The reply assistant's checks, one behaviour at a time, in each language they support."""

from __future__ import annotations

import pytest

from caredesk.assistant import draft_check
from caredesk.assistant.checks import Finding
from caredesk.assistant.text import sentences, syllables

GOOD = "Hi Jane, I have sent a new parcel today. You will get the tracking link by email."


def _of(kind: str, findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.type == kind]


def _types(text: str, **context: object) -> set[str]:
    return {f.type for f in draft_check(text=text, **context).findings}  # type: ignore[arg-type]


def test_a_good_reply_has_no_findings() -> None:
    assert draft_check(text=GOOD, customer_name="Jane").findings == ()


def test_an_empty_draft_has_no_findings() -> None:
    report = draft_check(text="", customer_name="Jane", upset=True, customer_text="I restarted it")
    assert report.findings == ()
    assert report.readability.score is None


@pytest.mark.parametrize(
    ("word", "language", "count"),
    [
        ("the", "en", 1),
        ("make", "en", 1),
        ("table", "en", 2),
        ("payment", "en", 2),
        ("information", "en", 4),
        ("heute", "de", 2),
        ("Bestellung", "de", 3),
        ("commande", "fr", 2),
        ("leer", "es", 2),
        ("país", "es", 2),
        ("cuenta", "es", 2),
    ],
)
def test_syllables(word: str, language: str, count: int) -> None:
    assert syllables(word, language) == count


@pytest.mark.parametrize(
    ("language", "formula", "score"),
    [
        ("en", "Flesch reading ease", 27.5),
        ("de", "Amstad (Flesch for German)", 53.0),
        ("fr", "Kandel-Moles (Flesch for French)", 49.65),
        ("es", "Szigriszt-Pazos (Flesch for Spanish)", 72.2),
    ],
)
def test_each_language_is_graded_by_its_formula(language: str, formula: str, score: float) -> None:
    # Two sentences of ten two-syllable words: 10 words a sentence, 2 syllables a word.
    text = ("paper " * 9 + "paper. ") * 2
    grade = draft_check(text=text, language=language).readability
    assert (grade.formula, grade.words, grade.sentences) == (formula, 20, 2)
    assert grade.score == pytest.approx(score, abs=0.06)


def test_a_hard_draft_and_a_very_long_sentence_are_flagged() -> None:
    hard = (
        "Notwithstanding the aforementioned considerations, the organisational reconfiguration "
        "necessitates comprehensive documentation. Furthermore, unauthorised modifications "
        "invalidate contractual obligations immediately. Consequently, organisational "
        "representatives communicate exclusively through authorised intermediaries."
    )
    found = _of("readability", draft_check(text=hard).findings)
    assert found[0].start == 0 and "Flesch reading ease" in found[0].why
    long = "We " + "really " * 31 + "care. Thanks."
    spans = [(f.start, f.end) for f in _of("readability", draft_check(text=long).findings)]
    assert (0, long.index(".") + 1) in spans


def test_english_passive_voice_but_not_a_state_of_mind() -> None:
    text = "Your refund was approved yesterday. The parcel has been sent. I am pleased it works."
    found = _of("readability", draft_check(text=text).findings)
    assert [text[f.start : f.end] for f in found] == ["was approved", "been sent"]
    # What a reply carries with it is a state, not an action hidden in the passive.
    state = "The receipt is attached, and the manual is included in the box."
    assert not _of("readability", draft_check(text=state).findings)


def test_jargon_from_the_list_and_the_desks_glossary() -> None:
    text = "Your DNS change must propagate; the os folder and the WMS queue are fine."
    found = _of("jargon", draft_check(text=text, glossary={"WMS": "warehouse system"}).findings)
    assert [text[f.start : f.end] for f in found] == ["DNS", "propagate", "WMS"]
    assert "warehouse system" in found[2].fix
    assert "take effect everywhere" in found[1].fix


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("en", "You should have saved it.", "You should have"),
        ("en", "It is your fault.", "your fault"),
        ("en", "As I already explained, it is there.", "As I already explained"),
        ("en", "Per my last email, it is there.", "Per my last email"),
        ("en", "Obviously it is there.", "Obviously"),
        ("en", "Simply open it.", "Simply"),
        ("en", "Please calm down.", "calm down"),
        ("de", "Sie hätten das früher prüfen sollen.", "Sie hätten das früher prüfen sollen"),
        ("de", "Das ist Ihre Schuld.", "Ihre Schuld"),
        ("de", "Wie bereits erklärt, ist es dort.", "Wie bereits erklärt"),
        ("de", "Beruhigen Sie sich.", "Beruhigen Sie sich"),
        ("fr", "Vous auriez dû vérifier.", "Vous auriez dû"),
        ("fr", "Comme je vous l'ai déjà expliqué, c'est là.", "Comme je vous l'ai déjà expliqué"),
        ("fr", "Évidemment, c'est là.", "Évidemment"),
        ("fr", "Calmez-vous.", "Calmez-vous"),
        ("es", "Usted debería haber revisado.", "Usted debería haber"),
        ("es", "Es su culpa.", "Es su culpa"),
        ("es", "Como ya le expliqué, está ahí.", "Como ya le expliqué"),
        ("es", "Simplemente ábralo.", "Simplemente"),
    ],
)
def test_blame_and_condescension(language: str, text: str, phrase: str) -> None:
    found = _of("blame", draft_check(text=text, language=language).findings)
    assert [text[f.start : f.end] for f in found] == [phrase]
    assert found[0].why and found[0].fix


def test_kind_words_are_not_blame() -> None:
    text = "Hi Jane, you should now see the refund. We made the mistake, not you."
    assert "blame" not in _types(text, customer_name="Jane")


@pytest.mark.parametrize(
    ("language", "generic", "kind"),
    [
        ("en", "Sorry for any inconvenience.", "I'm sorry the export failed twice."),
        ("de", "Entschuldigen Sie die Unannehmlichkeiten.", "Ich verstehe, wie ärgerlich das ist."),
        ("fr", "Désolés pour la gêne occasionnée.", "Je comprends que ce soit frustrant."),
        ("es", "Disculpe las molestias.", "Entiendo lo frustrante que es."),
    ],
)
def test_an_upset_customer_needs_a_real_acknowledgement(
    language: str, generic: str, kind: str
) -> None:
    found = _of("empathy", draft_check(text=generic, language=language, upset=True).findings)
    assert len(found) == 1 and "any inconvenience" in found[0].why
    assert _of(
        "empathy", draft_check(text="We refunded it.", language=language, upset=True).findings
    )
    assert not _of("empathy", draft_check(text=kind, language=language, upset=True).findings)
    assert not _of("empathy", draft_check(text=generic, language=language, upset=False).findings)


def test_the_customer_is_addressed_by_name() -> None:
    found = _of(
        "personal",
        draft_check(text="Hello, here it is.", language="de", customer_name="Anna").findings,
    )
    assert len(found) == 1 and "Hallo Anna," in found[0].fix
    assert not _of("personal", draft_check(text="Hallo anna, hier.", customer_name="Anna").findings)
    assert not _of("personal", draft_check(text="Hello, here it is.").findings)  # name unknown


@pytest.mark.parametrize(
    ("language", "customer", "draft"),
    [
        ("en", "I already reinstalled the app twice.", "Please reinstall the app."),
        ("en", "I've restarted the router.", "Could you try restarting the router?"),
        ("en", "I cleared my cache already.", "Please clear your browser cache."),
        (
            "de",
            "Ich habe die App schon neu installiert.",
            "Bitte versuchen Sie, die App neu zu installieren.",
        ),
        ("fr", "J'ai déjà redémarré le téléphone.", "Pouvez-vous redémarrer le téléphone ?"),
        ("es", "Ya la he reinstalado.", "Por favor, reinstale la aplicación."),
        # The step named by a pronoun after what it was done to.
        ("en", "My password fails, I reset it yesterday.", "Please reset your password."),
        (
            "de",
            "Mein Passwort geht nicht, ich habe es gestern schon zurückgesetzt.",
            "Bitte setzen Sie Ihr Passwort zurück.",
        ),
        (
            "fr",
            "Mon mot de passe est refusé alors que je l'ai déjà changé.",
            "Merci de réinitialiser votre mot de passe.",
        ),
        (
            "es",
            "La contraseña no va, ya la cambié ayer.",
            "Por favor, restablezca su contraseña.",
        ),
    ],
)
def test_asking_for_a_step_the_customer_already_took(
    language: str, customer: str, draft: str
) -> None:
    found = _of(
        "personal", draft_check(text=draft, language=language, customer_text=customer).findings
    )
    assert len(found) == 1 and "already" in found[0].why
    assert not _of(
        "personal", draft_check(text=draft, language=language, customer_text="It crashes.").findings
    )


def test_acknowledging_what_they_tried_is_not_asking_again() -> None:
    text = (
        "You reinstalled already, so reinstalling again will not help; I'll check the logs today."
    )
    assert not _of("personal", draft_check(text=text, customer_text="I reinstalled it.").findings)
    thanked = "Hi Jane, thanks for reinstalling already. I'll check the logs."
    assert not _of(
        "personal", draft_check(text=thanked, customer_text="I reinstalled it.").findings
    )
    # "already" in another sentence does not count.
    other = "You already paid. Please reinstall the app."
    assert _of("personal", draft_check(text=other, customer_text="I reinstalled it.").findings)


def test_several_instructions_want_numbered_steps() -> None:
    loose = "Open Settings. Choose Account. Type the new address and press Save."
    found = _of("clarity", draft_check(text=loose).findings)
    assert [(f.start, f.end) for f in found] == [(0, len(loose))]
    assert "numbered steps" in found[0].fix
    numbered = "1. Open Settings.\n2. Choose Account.\n3. Type the new address and press Save."
    assert not _of("clarity", draft_check(text=numbered).findings)
    german = "Öffnen Sie die Einstellungen. Wählen Sie Konto. Klicken Sie auf Speichern."
    assert _of("clarity", draft_check(text=german, language="de").findings)


@pytest.mark.parametrize(
    ("language", "text", "steps"),
    [
        ("en", "Open the app, tap Profile, then choose Language and pick German.", 3),
        ("de", "Öffnen Sie die App, tippen Sie auf Profil, dann wählen Sie Sprache.", 3),
        ("fr", "Ouvrez l'application, touchez Profil, puis choisissez Langue.", 3),
        ("es", "Abra la aplicación, toque Perfil y luego elija Idioma.", 3),
    ],
)
def test_steps_run_together_in_one_sentence_want_numbering_too(
    language: str, text: str, steps: int
) -> None:
    found = _of("clarity", draft_check(text=text, language=language).findings)
    assert len(found) == 1 and found[0].why.startswith(f"{steps} instructions")


def test_one_step_in_two_parts_is_one_step() -> None:
    text = "Please sign out and back in, then try the upload again. I'll watch the logs today."
    assert not _of("clarity", draft_check(text=text).findings)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # A request asked as a question tells them what to do.
        ("en", "Hi Jane, sorry about that. Could you send me a screenshot of the error?"),
        ("fr", "Bonjour Julie, pourriez-vous m'envoyer une capture d'écran ?"),
        ("de", "Hallo Jonas, könnten Sie mir einen Screenshot schicken?"),
        ("es", "Hola, Diego:\n\n¿Podría enviarme una captura de pantalla?"),
        # So does an instruction after a condition.
        ("en", "Hi Jane, the code is on its way. If it does not come, check the spam folder."),
        ("fr", "Bonjour Julie, le code est parti. S'il n'arrive pas, regardez les indésirables."),
        # And a time in words is a time.
        ("en", "Hi Jane, the refund will reach your card within four working days."),
        ("fr", "Bonjour Julie, le remboursement arrivera d'ici cinq jours."),
        ("de", "Hallo Jonas, die Gutschrift kommt innerhalb zwei Tagen."),
        ("es", "Hola, Diego: el reembolso llegará en cinco días."),
        ("fr", "Bonjour Julie, je renvoie le lien : vous le recevrez tout de suite."),
        ("en", "Hi Jane, I've switched the plan for you. Let me know if anything looks off."),
    ],
)
def test_a_request_a_conditional_step_or_a_time_in_words_is_a_next_step(
    language: str, text: str
) -> None:
    assert not _of("clarity", draft_check(text=text, language=language).findings), text


def test_no_next_step_or_time() -> None:
    text = "Hi Jane,\n\nWe looked at your order.\n\nBest,\nAnn"
    found = _of("clarity", draft_check(text=text).findings)
    assert len(found) == 1 and "next" in found[0].why
    assert text[found[0].start : found[0].end] == "We looked at your order."  # not the signature
    for fine in (
        "We looked at your order; I'll write again by Friday.",
        "We looked at your order and it leaves tomorrow.",
        "Glad to hear it works now!",
    ):
        assert not _of("clarity", draft_check(text=fine).findings), fine
    assert not _of("clarity", draft_check(text="Wir melden uns morgen.", language="de").findings)


def test_an_unknown_language_is_checked_as_english() -> None:
    assert draft_check(text="Obviously.", language="xx").language == "en"


def test_spans_point_into_the_draft_and_findings_come_in_reading_order() -> None:
    text = "Hello. Obviously, the cache was cleared. You should have asked."
    report = draft_check(text=text, customer_name="Jane")
    starts = [f.start for f in report.findings]
    assert starts == sorted(starts)
    assert all(0 <= f.start < f.end <= len(text) for f in report.findings)


def test_sentences_keep_their_offsets() -> None:
    text = "  One here.  Two there!\nThree"
    assert [(s.text, text[s.start : s.end]) for s in sentences(text)] == [
        ("One here.", "One here."),
        ("Two there!", "Two there!"),
        ("Three", "Three"),
    ]
