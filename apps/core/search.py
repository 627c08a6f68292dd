"""Full-text search documents in Dutch and English.

Texts on the platform are written in either language and carry no language tag, so each
document holds the lexemes of both PostgreSQL configurations: stemmed, stop words removed.
A query is stemmed the same two ways (`bilingual_search_query`)."""

from django.contrib.postgres.search import SearchQuery, SearchVector

SEARCH_CONFIGS = ("dutch", "english")


def bilingual_search_vector(*fields: str):
    dutch, english = (SearchVector(*fields, config=config) for config in SEARCH_CONFIGS)
    return dutch + english


def bilingual_search_query(text: str) -> SearchQuery:
    dutch, english = (
        SearchQuery(text, config=config, search_type="websearch") for config in SEARCH_CONFIGS
    )
    return dutch | english
