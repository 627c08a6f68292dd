"""Full-text search documents in Dutch and English.

Texts on the platform are written in either language and carry no language tag, so each
document holds the lexemes of both PostgreSQL configurations: stemmed, stop words removed.
A query is stemmed the same two ways (`bilingual_search_query`).

The search box of a directory asks `search_query`, which adds what people expect from a
search box on top of stemming:

- Plain words match as prefixes of the stemmed lexemes: the Dutch stemmer turns "fiets"
  into 'fiet' and "fietsen" into 'fiets', so an exact match would miss the plural;
  'fiet':* finds "fietsen", "fietsenmaker" and, as the list updates while typing, "fie..."
  on its way to "fiets". Dutch compounds ("broodvoorspelling") are found by their first part.
  Words shorter than `MIN_PREFIX_LENGTH` match whole ("AI" is not a prefix of "air").
- Text with web-search syntax (`"a phrase"`, `-word`, `or`) is read as such
  (`websearch_to_tsquery`) and taken literally, without prefixes.
- Text of stop words only ("de", "the and") is no search at all: otherwise the English
  configuration, which keeps Dutch stop words, would match about every Dutch text.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection

SEARCH_CONFIGS = ("dutch", "english")
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10
MIN_PREFIX_LENGTH = 4

# Letters and digits only: what is left is safe inside `to_tsquery` syntax.
_WORD = re.compile(r"[^\W_]+")
_WEBSEARCH_SYNTAX = re.compile(r'"|(?:^|\s)-\w|(?:^|\s)or(?:\s|$)', re.IGNORECASE)
_SQL_FUNCTIONS = {"raw": "to_tsquery", "websearch": "websearch_to_tsquery"}


def bilingual_search_vector(*fields: str):
    dutch, english = (SearchVector(*fields, config=config) for config in SEARCH_CONFIGS)
    return dutch + english


def bilingual_search_query(text: str) -> SearchQuery:
    dutch, english = (
        SearchQuery(text, config=config, search_type="websearch") for config in SEARCH_CONFIGS
    )
    return dutch | english


def _query_text(text: str) -> tuple[str, str] | None:
    """The tsquery source text and its search type, or None when nothing is asked."""
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    if not text:
        return None
    if _WEBSEARCH_SYNTAX.search(text):
        return text, "websearch"
    words = _WORD.findall(text.lower())[:MAX_QUERY_WORDS]
    if not words:
        return None
    terms = (f"{word}:*" if len(word) >= MIN_PREFIX_LENGTH else word for word in words)
    return " & ".join(terms), "raw"


def _has_lexemes_in_every_config(source: str, search_type: str) -> bool:
    function = _SQL_FUNCTIONS[search_type]
    checks = " AND ".join(
        f"numnode({function}(%s::regconfig, %s)) > 0" for _config in SEARCH_CONFIGS
    )
    params = [value for config in SEARCH_CONFIGS for value in (config, source)]
    with connection.cursor() as cursor:
        # Only our own function names go into the SQL; the text is a parameter.
        cursor.execute(f"SELECT {checks}", params)
        return bool(cursor.fetchone()[0])


def search_query(text: str) -> SearchQuery | None:
    """The query for what someone typed in a search box, or None for no text filter (empty,
    punctuation or stop words only). One small query to ask PostgreSQL about stop words."""
    parsed = _query_text(text)
    if parsed is None:
        return None
    source, search_type = parsed
    if not _has_lexemes_in_every_config(source, search_type):
        return None
    dutch, english = (
        SearchQuery(source, config=config, search_type=search_type) for config in SEARCH_CONFIGS
    )
    return dutch | english
