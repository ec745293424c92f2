"""Close languages told apart by their own words.

Danish and Norwegian (Bokmål) share most of their letters and many of their words, and
Swedish is near both; Spanish and Portuguese are close in the same way. A character n-gram
model scores a short sentence in one as the other often enough to matter (bench/language.py:
most of its mistakes were Danish taken for Norwegian and back). What still tells them apart in
a sentence are a few common words and spellings that each language writes its own way: Danish
"af, hvad, mig, efter, noget, bliver", Norwegian "av, hva, meg, etter, noe, blir", Swedish
"av, vad, mig, efter, något, blir"; Norwegian "-sjon, kj-, gj-" against "-tion, k-, g-".

Each such word is evidence for the languages that write it: their probability is multiplied by
EVIDENCE, and the probabilities are normalised again. A long text, where the n-gram model is
sure, is not overturned by a word or two; a short one with the model split is decided by its
words. Only languages of the group the model's first answer belongs to take part, and only
words of that group count, so "at" in an English sentence is never Danish.

The lists are written from the languages' grammars and spelling rules, not learnt from the
benchmark's test sentences; EVIDENCE was chosen on the separate development set
(bench/language.py --set dev). Pure: no database, no settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# How much one distinctive word multiplies a language's probability (its odds against the
# others of its group). Chosen on the development set: see docs/benchmarks.md.
EVIDENCE = 8.0
# A spelling inside a word (-sjon, kj-, -hed) is weaker evidence than a whole word: names and
# borrowed words have them too.
SPELLING_EVIDENCE = 2.0
# At most this many words count, so a long text is decided by its n-grams, not by a tally.
MAX_WORDS = 12

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(spec: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """{"da no": "ikke og"} -> {"ikke": {"da", "no"}, "og": {"da", "no"}}."""
    table: dict[str, frozenset[str]] = {}
    for languages, words in spec.items():
        for word in words.split():
            table[word] = frozenset(languages.split())
    return table


# Words written this way in the named languages of the group and differently in the others.
SCANDINAVIAN = _words(
    {
        "da": (
            "af hvad noget nogen nogle meget bliver blevet ud op mellem gik fik tak venlig"
            " venlige venligst vores jer hende lige endnu tilbage måske sidste anden andet"
            " hjælp hjælpe spørgsmål købe købt køb gade uge uger imod modtaget modtage modtog"
            " leveret hvornår gerne fald løbet sige siger tage tager giver give vide bruge"
            " bruger bruges åben åbne søge søger mad bøger bog nøjagtig ligesom desværre"
            " sandsynligvis laver lavet næste lidt arbejde arbejder blive blot børn dejlig end"
            " fandt fundet fået gennem gør gøre havde have ind inden kører uden gange forkert"
        ),
        "no": (
            "meg deg seg etter hva noe noen mye blir ble blitt opp igjen mellom gikk fikk"
            " takk vennlig vennlige vennligst dere våre henne like ennå tilbake kanskje siste"
            " annen annet hjelp hjelpe spørsmål kjøpe kjøpt kjøp gate uke uker mottatt motta"
            " mottok levert gjerne løpet sier gir vite bruke bruker brukes åpen åpne søke"
            " søker bøker bok nøyaktig slik slike sånn nei hvorav ikkje dessverre neste"
            " litt prosent sannsynligvis blant enn grunn ha hadde inn spesielt vært å uten"
            " ganger"
        ),
        "sv": (
            "av vad något någon några mycket blir blev ut upp igen mellan gick fick tack"
            " vänlig vänliga hälsningar vår våra vårt henne lika ännu tillbaka kanske sista"
            " annan annat andra hjälp hjälpa fråga frågor köpa köpt köp gata gatan vecka"
            " veckor mot mottagit mottog levererat säger ger veta använda öppen öppna söka"
            " söker mat böcker bok självklart och att inte jag till ett är hur också sedan"
            " därför här där varför vem vilken vilka när från hela följande själv bara redan"
            " ska skall kunna tycker gärna önskar alltså ej osv mig dig sig efter nej sådan"
            " tyvärr äntligen ge direkt kommun lite alla denna dessa detta deras finns genom hade"
            " inom många måste samma två utan vara vid vill olika stora nya"
        ),
        "da no": (
            "ikke og at jeg til et er hvordan også derfor her hvorfor hvem hvilken hvilke når"
            " fra hele følgende selv kun bare allerede skal kunne synes ønsker altså hilsen"
            " deres fordi hvis mere sammen første andre øvrig hvert der selvfølgelig endelig gjort"
            " kommune ved store samme nye vil to"
            " gjorde"
        ),
        "da sv": (
            "mig dig sig efter nu nej igen blev sådan sådant sker procent regering regeringen"
            " aldrig"
        ),
        "no sv": "av ut blir mer mot vår vårt henne fall bok mat jobb",
    }
)
IBERIAN = _words(
    {
        "es": (
            "el los las del al lo y una unos unas con sin en es muy hoy pero usted ustedes"
            " gracias mi mis su sus también ya hay sí cuando donde hasta ahora hola tengo"
            " tiene puede puedo nuestro nuestra todavía aún mismo cuenta contraseña ayuda"
        ),
        "pt": (
            "os as do dos da das ao aos e um uma uns umas com sem em é muito hoje mas você"
            " vocês obrigado obrigada meu minha meus minhas seu sua seus suas também já há"
            " sim estão quando onde até agora olá tenho tem pode posso nosso nossa ainda"
            " mesmo conta senha ajuda não"
        ),
    }
)
# Spellings inside a word: Norwegian writes -sjon and kj-/gj-/skj-, Danish -hed and Swedish
# ä/ö where the others write -tion, k-/g-, -het and æ/ø.
_SPELLINGS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"sjon(?:en|er|ene)?$"), frozenset({"no"})),
    (re.compile(r"tion(?:en|er|erne)?$"), frozenset({"da", "sv"})),
    (re.compile(r"^(?:kj|gj|skj)"), frozenset({"no"})),
    (re.compile(r"..hed(?:en|er|erne)?$"), frozenset({"da"})),
    (re.compile(r"..het(?:en|er|ene)?$"), frozenset({"no", "sv"})),
    (re.compile(r"asje(?:n|r|ne)?$"), frozenset({"no"})),
    (re.compile(r"øj"), frozenset({"da"})),
    (re.compile(r"øy|^[^aeiouyæøå]*ei"), frozenset({"no"})),
    (re.compile(r"[aeiouyæøå]kk$"), frozenset({"no"})),
    (re.compile(r"^af"), frozenset({"da"})),
    (re.compile(r"^av"), frozenset({"no", "sv"})),
    (re.compile(r"gtig[te]?$"), frozenset({"da"})),
    (re.compile(r"ktig[te]?$"), frozenset({"no", "sv"})),
    (re.compile(r"(?:elsene|ingene|hetene)$"), frozenset({"no"})),
    (re.compile(r"(?:elserne|ingerne|hederne)$"), frozenset({"da"})),
    (re.compile(r"(?:arna|orna|erna)$"), frozenset({"sv"})),
    (re.compile(r"iskt$"), frozenset({"sv"})),
    (re.compile(r"[^aeiouyæøå](?:rig|rige)$"), frozenset({"da"})),
    (re.compile(r"rike$"), frozenset({"no", "sv"})),
    (re.compile(r"(?:nn|ll|tt)$"), frozenset({"no", "sv"})),
    (re.compile(r"[äö]"), frozenset({"sv"})),
    (re.compile(r"[æø]"), frozenset({"da", "no"})),
    (re.compile(r"ção$|ções$|[ãõ]"), frozenset({"pt"})),
    (re.compile(r"ción$|ciones$|ñ"), frozenset({"es"})),
)

GROUPS: tuple[tuple[frozenset[str], dict[str, frozenset[str]]], ...] = (
    (frozenset({"da", "no", "sv"}), SCANDINAVIAN),
    (frozenset({"es", "pt"}), IBERIAN),
)


def close_decide(text: str, ranked: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """`ranked` (language, probability), best first, weighed again by the words of the close
    group its first language belongs to; unchanged when it belongs to none or the desk has
    only one language of that group."""
    if not ranked:
        return list(ranked)
    group, table = _group_of(ranked[0][0])
    present = {language for language, _ in ranked if language in group}
    if len(present) < 2:
        return list(ranked)
    weight = dict.fromkeys(present, 1.0)
    for owners, strength in _evidence(text, table):
        for language in owners & present:
            weight[language] *= strength
    # The words only say which of the group; how likely the group is stays the model's.
    mass = sum(p for language, p in ranked if language in present)
    weighed = {language: p * weight[language] for language, p in ranked if language in present}
    total = sum(weighed.values())
    if total <= 0.0:
        return list(ranked)
    scored = [
        (language, mass * weighed[language] / total if language in weighed else p)
        for language, p in ranked
    ]
    return sorted(scored, key=lambda lp: -lp[1])


def _group_of(language: str) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    for group, table in GROUPS:
        if language in group:
            return group, table
    return frozenset(), {}


def _evidence(text: str, table: Mapping[str, frozenset[str]]) -> list[tuple[frozenset[str], float]]:
    """The owners of each distinctive word or spelling in `text` and how much it counts, at
    most MAX_WORDS."""
    found: list[tuple[frozenset[str], float]] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        owners = table.get(word)
        if owners is not None:
            found.append((owners, EVIDENCE))
        else:
            owners = next((o for pattern, o in _SPELLINGS if pattern.search(word)), None)
            if owners is None:
                continue
            found.append((owners, SPELLING_EVIDENCE))
        if len(found) == MAX_WORDS:
            break
    return found
