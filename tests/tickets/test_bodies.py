"""Bodies cut by the database: the same beginning and length on SQLite and PostgreSQL as
Python's own slicing gives, whatever the characters."""

from __future__ import annotations

import pytest

from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.bodies import Bodies, Cut, message_bodies, with_bodies_cut
from caredesk.tickets.models import Message
from tests.api.support import new_ticket

pytestmark = pytest.mark.django_db

# ASCII, Latin letters with accents, CJK (3 bytes each in UTF-8) and emoji (4 bytes, one code
# point beyond the Basic Multilingual Plane; two UTF-16 units, which must not count as two).
MIXED = "plain é 漢字 🙂" * 50


@pytest.mark.parametrize("chars", [1, 7, 10, 11, 99, 10_000])
def test_the_database_cuts_as_python_slices(mailbox: Mailbox, chars: int) -> None:
    ticket = new_ticket(mailbox)
    Message.objects.filter(ticket=ticket, kind="customer").update(
        text=MIXED, new_text=MIXED[:30], html=""
    )
    message = with_bodies_cut(Message.objects.filter(ticket=ticket, kind="customer"), chars=chars)
    bodies = message_bodies(message.get(), chars=chars)
    assert bodies.text == Cut(shown=MIXED[:chars], length=len(MIXED))
    assert bodies.new_text == Cut(shown=MIXED[:30][:chars], length=30)
    assert bodies.html == Cut(shown="", length=0)
    assert bodies.text_bytes == len(MIXED.encode("utf-8"))
    assert bodies.text.truncated is (chars < len(MIXED))
    assert bodies.truncated is (chars < len(MIXED))  # the text or what was written now
    assert bodies.has_quoted_history
    whole = Message.objects.get(pk=message.get().pk)  # read whole: cut in Python the same way
    assert message_bodies(whole, chars=chars) == bodies


def test_what_is_cut_says_how_much_is_hidden() -> None:
    assert Cut(shown="abc", length=10).hidden == 7
    assert not Cut(shown="abc", length=3).truncated


def test_only_more_words_are_quoted_history_not_the_final_newline() -> None:
    def bodies(text: str, new_text: str) -> Bodies:
        empty = Cut(shown="", length=0)
        whole, new = Cut(shown=text, length=len(text)), Cut(shown=new_text, length=len(new_text))
        return Bodies(text=whole, new_text=new, html=empty, text_bytes=len(text))

    assert not bodies("Third part\n", "Third part").has_quoted_history
    assert not bodies("\n  Hello\n\n", "Hello").has_quoted_history
    assert bodies("Hello\n\nOn Monday Ann wrote:\n> Hi\n", "Hello").has_quoted_history
    assert not bodies("Only history?\n", "").has_quoted_history  # nothing new: shown as is
