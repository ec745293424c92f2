"""split_reply: what the customer wrote now, what they quoted, and their signature."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.inbound.parsing import parse_email
from caredesk.inbound.quoting import split_reply
from caredesk.inbound.types import SplitText

EML = Path(__file__).parents[1] / "fixtures" / "eml"


def split_fixture(name: str) -> SplitText:
    return split_reply(parse_email((EML / name).read_bytes()).text)


def test_gmail_attribution_wrapped_over_two_lines() -> None:
    s = split_fixture("gmail-reply-quoted.eml")
    assert s.new == (
        "Hi,\n\nI tried that but the reset link still says it has expired. I requested it\n"
        "two minutes before clicking it.\n\nCould you have a look please?\n\nJürgen"
    )
    assert s.quoted.startswith("On Mon, 3 Mar 2025 at 10:00, Caredesk Support <\nsupport@")
    assert s.quoted.endswith("> Caredesk Support")
    assert s.signature == ""


def test_outlook_header_block_after_underscores() -> None:
    s = split_fixture("outlook-reply-rewritten-headers.eml")
    assert s.new == (
        "Hello,\n\nThe refund still hasn't arrived. It has been 10 business days now.\n\n"
        "Kind regards,\nPriya Sharma\nFinance Department | Example Org"
    )
    assert s.quoted.startswith("________________________________\nFrom: Caredesk Support")
    assert "We have issued the refund." in s.quoted


def test_apple_mail() -> None:
    s = split_fixture("apple-mail-reply.eml")
    assert s.new.startswith("Hi Maria,\n\nThanks, the export works now.")
    assert s.new.endswith("Best,\nCamille")
    assert s.quoted.startswith("> On 3 Mar 2025, at 10:00, Caredesk Support")


def test_thunderbird_signature_below_the_quote() -> None:
    s = split_fixture("thunderbird-reply.eml")
    assert s.new == (
        "Hello,\n\nthe new invoice address is Storgatan 12, 411 38 Göteborg. Please use it for "
        "all invoices from March on.\n\nThanks!"
    )
    assert s.quoted.startswith("On 03/03/2025 10:00, Caredesk Support wrote:\n> Hello Anna,")
    assert s.quoted.endswith("> Tom")
    assert s.signature == "Anna Svensson\nExample Org AB"


def test_iphone() -> None:
    s = split_fixture("iphone-mobile-reply.eml")
    assert s == SplitText(
        new="Yes that worked, thanks!",
        quoted=(
            "> On 3 Mar 2025, at 13:58, Caredesk Support <support@example.com> wrote:\n> \n"
            "> Hi Sam,\n> Please update to version 4.2.1 and restart the app.\n> Tom"
        ),
        signature="Sent from my iPhone",
    )


def test_german_outlook() -> None:
    s = split_fixture("german-outlook-reply.eml")
    assert s.new.endswith("Mit freundlichen Grüßen\nKlaus Weiß")
    assert s.quoted.startswith("________________________________\nVon: Caredesk Support")


def test_french_gmail_with_non_breaking_space() -> None:
    s = split_fixture("french-gmail-reply.eml")
    assert s.new.endswith("Bonne journée,\nÉlodie")
    assert s.quoted.startswith("Le lun. 3 mars 2025 à 10:00, Service client")


def test_html_only_blockquote() -> None:
    s = split_fixture("html-only.eml")
    assert s.new.endswith("Thanks,\nOliver")
    assert s.quoted.startswith("On Mon, 3 Mar 2025 at 17:00, Caredesk Support")
    assert s.quoted.endswith("> Could you check that your number is correct?")


BODY = "Thanks, that fixed it.\n\n"
QUOTE = "\n> Hello,\n> please try again.\n"


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, Mar 3, 2025 at 10:00 AM Caredesk Support <support@example.com> wrote:",
        "On 3 Mar 2025, at 10:00, Caredesk Support <support@example.com> wrote:",
        "On 03/03/2025 10:00, Caredesk Support wrote:",
        "On Mon, 3 Mar 2025 at 10:00, Caredesk Support <\nsupport@example.com> wrote:",
        "On Mon, 3 Mar 2025 at 10:00,\nCaredesk Support <support@example.com> wrote:",
        "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Caredesk Support <support@example.com>:",
        "Am 03.03.2025 um 10:00 schrieb Caredesk Support:",
        "Le lun. 3 mars 2025 à 10:00, Service client <support@example.com> a écrit :",
        "Le 03/03/2025 à 10:00, Service client a écrit\u00a0:",
        "El lun, 3 mar 2025 a las 10:00, Soporte (<support@example.com>) escribió:",
        "Il giorno lun 3 mar 2025 alle ore 10:00 Assistenza <support@example.com> ha scritto:",
        "Op ma 3 mrt 2025 om 10:00 schreef Klantenservice <support@example.com>:",
        "Em seg., 3 de mar. de 2025 às 10:00, Suporte <support@example.com> escreveu:",
        "Den mån 3 mars 2025 kl 10:00 skrev Kundtjänst <support@example.com>:",
        "Caredesk Support wrote:",
        # Polish, Russian, Finnish, Norwegian, Swedish without a space after "skrev"
        "W dniu 3 marca 2025 10:00 użytkownik Obsługa <support@example.com> napisał:",
        "Dnia 3.03.2025 o godz. 10:00 Obsługa <support@example.com> napisał(a):",
        "3 марта 2025 г., в 10:00, Поддержка <support@example.com> написал:",
        "ma 3.3.2025 klo 10.00 Tuki (<support@example.com>) kirjoitti:",
        "man. 3. mar. 2025 kl. 10:00 skrev Kundeservice <support@example.com>:",
        "Den 3 mars 2025 10:00:18, Kundtjänst (support@example.com) skrev:",
        "På 3 mars 2025 på 10:00:18, Kundeservice (support@example.com) skrev:",
        # Vietnamese, Italian "In data", Dutch "het volgende geschreven"
        "Vào 10:00 3 tháng 3, 2025, Hỗ trợ <support@example.com> đã viết:",
        "In data 3 marzo 2025 10:00, Assistenza <support@example.com> ha scritto:",
        "Op 3 mrt. 2025 om 10:00 heeft Klantenservice <support@example.com> het volgende "
        "geschreven:",
        # date first, as Gmail writes it in some locales, Yandex and Mail.ru
        "2025-03-03 10:00 GMT+01:00 Caredesk Support <support@example.com>:",
        "2025-03-03 10:00 GMT+01:00 Caredesk Support <\nsupport@example.com>:",
        '03.03.2025, 10:00, "Caredesk Support" <support@example.com>:',
        "Mon, 3 Mar 2025 10:00:51 +0100 от Caredesk Support <support@example.com>:",
        # dash-wrapped (Android) and wrapped over three lines
        "---- On Mon, 3 Mar 2025 10:00 Caredesk Support wrote ----",
        "---- Caredesk Support wrote ----",
        "On Mon, 3 Mar 2025 at 10:00 AM, Caredesk Support <\nsupport@example.com>\nwrote:",
        "On Mon, 3 Mar 2025 at 10:00 AM, Caredesk Support from Example\n<support@example.com> "
        "wrote:",
        "On 3 Mar 2025, at 10:00, Caredesk Support <support@example.com> sent:",
        # Japanese, Chinese (a full-width colon), Korean, and any language with a date, a
        # time and an address above "> " lines
        "Mon, 03 Mar 2025 10:00:52 +0000 高橋 美咲 さんは書きました:",
        "2025年3月3日 10:00，Caredesk Support <support@example.com> 写道：",
        "2025년 3월 3일 (월) 오전 10:00, Caredesk Support <support@example.com>님이 작성:",
        "2025年3月3日(月) 10:00 Caredesk Support <support@example.com>:",
    ],
)
def test_attributions(attribution: str) -> None:
    s = split_reply(BODY + attribution + "\n" + QUOTE)
    assert s.new == "Thanks, that fixed it."
    assert s.quoted.startswith(attribution.split("\n")[0])
    assert s.quoted.endswith("> please try again.")


@pytest.mark.parametrize(
    "block",
    [
        "-----Original Message-----\nFrom: Support\nSent: Monday\nTo: me\nSubject: Re: help",
        "From: Support <support@example.com>\nSent: Monday, March 3, 2025 10:00 AM\nTo: me",
        "*From:* Support <support@example.com>\n*Sent:* Monday, March 3, 2025 10:00 AM",
        "________________________________\nFrom: Support\nSent: Monday\nTo: me\nSubject: x",
        "Von: Support <support@example.com>\nGesendet: Montag, 3. März 2025 10:00\nAn: mich",
        "-----Ursprüngliche Nachricht-----\nVon: Support\nGesendet: Montag\nAn: mich",
        "De : Support <support@example.com>\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : moi",
        "-----Message d'origine-----\nDe : Support\nEnvoyé : lundi\nÀ : moi",
        "De: Soporte <support@example.com>\nEnviado el: lunes, 3 de marzo de 2025 10:00\nPara: yo",
        "-----Mensaje original-----\nDe: Soporte\nEnviado: lunes\nPara: yo",
        "Van: Klantenservice <support@example.com>\nVerzonden: maandag 3 maart 2025 10:00",
        "De: Suporte <support@example.com>\nEnviada em: segunda-feira, 3 de março de 2025 10:00",
        "Da: Assistenza <support@example.com>\nInviato: lunedì 3 marzo 2025 10:00\nA: me",
        "Från: Kundtjänst <support@example.com>\nSkickat: den 3 mars 2025 10:00\nTill: mig",
        "-----Reply Message-----",
        "-----Antwort Nachricht-----\nVon: Support",
        "-----Oprindelig meddelelse-----",
        "-----Oprindelig besked-----\nFra: Support",
        "De : Support [mailto:support@example.com]\nEnvoyé le : lundi 3 mars 2025 10:00\nÀ : moi",
        "Date: Mon, 3 Mar 2025 10:00:02 +0100\nTo: dana@example.org",
        "Date: Mon, 3 Mar 2025 10:00:02 +0100\nFrom: support@example.com\nSubject: Re: help",
        "From: support@example.com Date: Mon, 3 Mar 2025 10:00:02 +0100",
        "*From:* Support <support@example.com> [mailto:\nsupport@example.com]\n*Sent:* Monday",
        "От: Поддержка\nОтправлено: \u200eпонедельник\u200e, 3 марта 2025 г. 10:00\nКому: мне",
    ],
)
def test_outlook_header_blocks(block: str) -> None:
    s = split_reply(BODY + block + "\n\nHello,\nplease try again.\n")
    assert s.new == "Thanks, that fixed it."
    assert s.quoted.startswith(block.split("\n")[0])
    assert s.quoted.endswith("please try again.")


@pytest.mark.parametrize(
    "signature",
    [
        "Sent from my iPhone",
        "Sent from my iPad",
        "Sent from my Galaxy",
        "Sent from Mail for Windows",
        "Sent from Mail for Windows 10",
        "Get Outlook for iOS",
        "Get Outlook for Android<https://aka.ms/ghei36>",
        "Enviado desde mi iPhone",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Verzonden vanaf mijn iPhone",
        "Enviado do meu iPhone",
        "Inviato da iPhone",
        "Skickat från min iPhone",
        "Sent from TypeApp",
        "Gesendet von Outlook für Android",
        "Envoyé à partir de Outlook pour iOS",
    ],
)
def test_mobile_signatures(signature: str) -> None:
    s = split_reply(f"Yes, please cancel it.\n\n{signature}\n")
    assert s == SplitText(new="Yes, please cancel it.", signature=signature)


def test_dash_dash_space_signature() -> None:
    s = split_reply("Please call me back.\n\n-- \nAnna Svensson\n+46 31 000 00 00\n")
    assert s == SplitText(new="Please call me back.", signature="Anna Svensson\n+46 31 000 00 00")


def test_last_delimiter_wins() -> None:
    s = split_reply("Steps:\n-- \nnot a signature really\n\nThanks\n-- \nAnna\n")
    assert s.new == "Steps:\n-- \nnot a signature really\n\nThanks"
    assert s.signature == "Anna"


def test_bare_double_dash_only_before_a_short_block() -> None:
    long_tail = "\n".join(f"line {n}" for n in range(12))
    text = f"Order details\n--\n{long_tail}\n"
    assert split_reply(text).new == text.strip()
    assert split_reply("Thanks\n--\nAnna\n").signature == "Anna"


def test_one_line_reply_directly_above_a_quoted_attribution() -> None:
    # The reply and "> On ... wrote:" read like one wrapped attribution; they are not.
    text = "Thanks, works now\n> On 3 Mar 2025, at 10:00, Support <s@example.com> wrote:\n>\n> Hi"
    s = split_reply(text)
    assert s.new == "Thanks, works now"
    assert s.quoted.startswith("> On 3 Mar 2025")


def test_a_sign_off_directly_above_the_attribution_stays_the_customers() -> None:
    text = "Fine now.\n\nThanks,\nAlex\nOn 03.03.2025 10:00, Caredesk Support wrote:\n\n> Hello\n"
    s = split_reply(text)
    assert s.new == "Fine now.\n\nThanks,\nAlex"
    assert s.quoted == "On 03.03.2025 10:00, Caredesk Support wrote:\n\n> Hello"


def test_reply_sharing_a_line_with_the_attribution() -> None:
    s = split_reply("reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:\n> Hi\n")
    assert s == SplitText(
        new="reply", quoted="On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:\n> Hi"
    )
    s = split_reply("reply\nbla-bla - bla--- On Wed, Apr 4, 2012 at 3:59 PM, me@x.com wrote:\n> Hi")
    assert s.new == "reply\nbla-bla - bla"


def test_a_sentence_ending_like_an_attribution_without_quotes_is_kept() -> None:
    text = "I asked again on 3 March and Tom wrote:\nwe will refund you.\nNothing came.\n"
    assert split_reply(text).new == text.strip()


def test_answer_below_the_quote_is_the_customers() -> None:
    # Bottom-posting under an attribution: the quote goes, the answer is kept.
    text = "On 04/19/2011 07:10 AM, Support wrote:\n\n>\n> Which browser?\nFirefox, as always.\n"
    s = split_reply(text)
    assert s.new == "Firefox, as always."
    assert s.quoted == "On 04/19/2011 07:10 AM, Support wrote:\n\n>\n> Which browser?"


def test_text_around_the_quote_is_joined() -> None:
    text = (
        "Test reply\n\nOn Fri, May 6, 2011 at 6:03 PM, Support\n<support@example.com> wrote:\n\n"
        "> Test.\n>\n>> Older.\n\nRegards, Roman\n"
    )
    s = split_reply(text)
    assert s.new == "Test reply\n\nRegards, Roman"
    assert s.quoted.endswith(">> Older.")


def test_a_wrapped_link_inside_the_quote_stays_in_the_quote() -> None:
    text = (
        "Blah\n\nOn Monday, 24 September, 2012 at 3:46 PM, bob wrote:\n\n"
        "> View ticket (http://example.com/action\n_nonce=3dd518)\n>\n"
    )
    assert split_reply(text).new == "Blah"


@pytest.mark.parametrize(
    "text",
    [
        # A customer quoting an error message, or an HTML <blockquote> with no attribution.
        "The app says:\n\n> Error 500: try again later",
        "At 10:00 on 3 March 2025 the app said:\n\n> Error 500: try again later",
    ],
)
def test_quoted_text_nothing_introduces_is_the_customers(text: str) -> None:
    assert split_reply(text).new == text


def test_quoted_forward_is_the_customers() -> None:
    text = (
        "See below.\n\nOn Mon, 3 Mar 2025 at 10:00, Grace <grace@example.org> wrote:\n"
        "> ---------- Forwarded message ---------\n> From: Shop <orders@shop.example.net>\n"
    )
    assert split_reply(text).new == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "Invitation for an interview:\n\nDate: Wednesday 3, October 2011\nTime: 7 : 00am\n"
        "Address: 130 Fox St\n\nPlease bring in your ID.",
        "Booking:\nDate: 5 May\nTo: Paris\nPlease confirm.",
        "Please enter your feedback below.\n\n------------- Enter Feedback Below -------------\n\n"
        "All good.",
    ],
)
def test_header_like_lines_in_running_text_are_kept(text: str) -> None:
    assert split_reply(text).new == text


def test_signature_with_quote_below() -> None:
    text = "Works now.\n\nSent from my iPhone\n\nOn 3 Mar 2025, at 10:00, Support wrote:\n\n> Hi\n"
    s = split_reply(text)
    assert s == SplitText(
        new="Works now.",
        quoted="On 3 Mar 2025, at 10:00, Support wrote:\n\n> Hi",
        signature="Sent from my iPhone",
    )


def test_interleaved_reply_keeps_everything() -> None:
    text = (
        "On Mon, 3 Mar 2025 at 10:00, Support <support@example.com> wrote:\n"
        "> Which browser do you use?\n"
        "Firefox 123.\n"
        "> And which operating system?\n"
        "Windows 11.\n"
    )
    assert split_reply(text) == SplitText(new=text.strip())


def test_inline_answers_below_a_top_post_keep_everything() -> None:
    text = "See my answers below.\n\n> Which browser?\nFirefox.\n> Which system?\nLinux.\n"
    assert split_reply(text).new == text.strip()


def test_bottom_posting_keeps_everything() -> None:
    text = "> Could you try again?\n\nI did, and it still fails.\n"
    assert split_reply(text).new == text.strip()


def test_only_quotes_is_kept_as_new() -> None:
    text = "On Mon, 3 Mar 2025 at 10:00, Support <support@example.com> wrote:\n> Hello\n"
    assert split_reply(text) == SplitText(new=text.strip())
    assert split_reply("> just a quote\n> nothing else\n").new == "> just a quote\n> nothing else"


def test_only_a_signature_is_kept_as_new() -> None:
    assert split_reply("Sent from my iPhone\n").new == "Sent from my iPhone"
    assert split_reply("-- \nAnna\n").new == "-- \nAnna"


def test_forwarded_message_is_not_a_quote() -> None:
    text = (
        "Please see below, the parcel never came.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Example Shop <orders@shop.example.net>\n"
        "Date: Fri, 28 Feb 2025 at 09:00\n"
        "Subject: Your order 7731 has shipped\n"
        "To: <grace@example.org>\n\n"
        "Your order is on its way.\n"
    )
    assert split_reply(text).new == text.strip()


def test_outlook_forward_is_not_a_quote() -> None:
    text = (
        "FYI, this is the invoice I mean.\n\n"
        "From: Billing <billing@example.com>\n"
        "Sent: Friday, February 28, 2025 9:00 AM\n"
        "To: Priya <priya@example.org>\n"
        "Subject: FW: Invoice 2025-0042\n\n"
        "Invoice attached.\n"
    )
    assert split_reply(text).new == text.strip()


def test_a_sentence_starting_with_on_is_not_an_attribution() -> None:
    text = "On Monday I wrote:\nthe export fails, and it still does.\n"
    assert split_reply(text).new == text.strip()


def test_crlf_and_blank_input() -> None:
    s = split_reply("Fine now.\r\n\r\nOn 3 Mar 2025, at 10:00, Support wrote:\r\n> Hi\r\n")
    assert s.new == "Fine now."
    assert s.quoted == "On 3 Mar 2025, at 10:00, Support wrote:\n> Hi"
    assert split_reply("") == SplitText(new="")
    assert split_reply(" \n\n ") == SplitText(new="")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                [
                    ">", "> quoted", "-- ", "--", "Sent from my iPhone", "From: a", "Sent: b",
                    "On 3 Mar 2025, at 10:00, X wrote:", "-----Original Message-----",
                    "_" * 32, "Get Outlook for iOS", "", "Am 3.3.2025 schrieb X:",
                ]
            ),
        ),
        max_size=30,
    )
)  # fmt: skip
def test_never_loses_the_customers_words(lines: list[str]) -> None:
    text = "\n".join(lines)
    s = split_reply(text)
    if text.strip():
        assert s.new.strip()
    # Nothing is invented: every non-blank line of the result comes from the input.
    lines = text.replace("\r", "\n").split("\n")
    source = {*lines, *(line.rstrip() for line in lines)}
    for part in (s.new, s.quoted, s.signature):
        for line in part.split("\n"):
            # a line is the input's, or a piece of one split at an attribution it held
            assert not line.strip() or line in source or any(line in x for x in source)


def test_thunderbird_html_sign_off_stays_above_the_history() -> None:
    s = split_fixture("thunderbird-html-signoff-above-attribution.eml")
    assert s.new.endswith("Thanks,\nAlex")
    assert s.quoted.startswith("On 03.03.2025 16:41, Caredesk Support wrote:")
    assert s.quoted.endswith("> Tom")


@pytest.mark.parametrize(
    ("name", "new_ends", "quoted_starts"),
    [
        ("gmail-html-only-quote.eml", "Priya", "On Mon, 3 Mar 2025 at 16:41, Caredesk Support"),
        ("outlook-html-divrplyfwdmsg.eml", "Jonas", "Von: Caredesk Support"),
        ("apple-html-blockquote-cite.eml", "Camille", "> On 3 Mar 2025, at 16:41, Caredesk"),
        ("polish-reply-napisal.eml", "Pozdrawiam\nZofia", "W dniu 3.03.2025 o 16:41"),
        ("russian-reply-napisal.eml", "Иван", "3 марта 2025 г., в 16:41, Caredesk Support"),
        ("one-line-reply-above-quoted-attribution.eml", "Works now, thanks!", "> On 3 Mar 2025"),
        ("date-first-attribution.eml", "Mateus", "2025-03-03 16:41 GMT+01:00 Caredesk Support"),
    ],
)
def test_replies_by_email(name: str, new_ends: str, quoted_starts: str) -> None:
    s = split_fixture(name)
    assert s.new.endswith(new_ends)
    assert s.quoted.startswith(quoted_starts)
    assert (
        "restart the export" in s.quoted or "перезапустите" in s.quoted or ("uruchomić" in s.quoted)
    )
    assert "restart the export" not in s.new


def test_a_reply_quoting_our_reply_and_the_quote_in_it_keeps_only_the_new_words() -> None:
    """Our replies quote the customer's message below them ("> " lines, a <blockquote>); a
    customer answering one quotes all that again, one level deeper: all of it is history."""
    s = split_fixture("gmail-reply-quoting-our-html-reply.eml")
    assert s.new == "Thanks Ann, the parcel arrived this morning. All good now!\n\nAna"
    assert s.quoted.startswith("On Thu, 3 Dec 2026 at 15:10, Ann at Example Support <")
    assert "> > Hello, my order 1234 has not arrived yet." in s.quoted
    assert s.quoted.rstrip("> \n").endswith(
        "> > Hello, my order 1234 has not arrived yet. Can you help?"
    )


def test_outlook_for_android_signature_above_the_header_block() -> None:
    s = split_fixture("outlook-android-mobile-signature.eml")
    assert s == SplitText(
        new="Danke, jetzt geht es.",
        quoted=s.quoted,
        signature="Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>",
    )
    assert s.quoted.startswith("________________________________\nFrom: Caredesk Support")
