"""Writes of the matcher, in three parts:

- `runs.py`: match runs and their chunks (created with what caused them, delivered after the
  commit, claimed under a lease, scored and written once);
- `suggestions.py`: scoring a set of challenges and writing their suggestions and reasons;
- `decisions.py`: people's decisions on suggestions (status, shortlist, introductions).

Everything public is importable from here, as before the split.
"""

from .decisions import (
    MATCH_TRANSITIONS,
    MEMBER_MATCH_TRANSITIONS,
    InvalidMatchTransition,
    introduction_request_create,
    introduction_request_decide,
    match_can_change_status,
    match_set_shortlisted,
    match_set_status,
)
from .runs import (
    SUPPLIERS_FOR_FULL_RECOMPUTE,
    match_chunk_claim,
    match_chunk_process,
    match_chunks_redeliver,
    match_run_create,
    match_run_fail,
    match_run_for_challenge,
    match_run_for_supplier,
    match_run_full,
    match_run_process_here,
    match_schedule_for_suppliers,
)
from .suggestions import (
    MEANING_REASON_FLOOR,
    NEW_MATCHES_NOTIFIED_RUN_KINDS,
    NEW_MATCHES_NOTIFIED_TOP,
    REGION_CODES,
    MatchingContext,
    SuggestionRow,
    challenges_gaining_top_suggestions,
    match_notify_new_suggestions,
    match_rank_challenge,
    match_score_pairs,
    match_suggest_pairs,
    matching_context_current,
    matching_context_load,
    reasons_build,
    suggestions_rank,
    suggestions_write,
)

__all__ = [
    "MATCH_TRANSITIONS",
    "MEANING_REASON_FLOOR",
    "MEMBER_MATCH_TRANSITIONS",
    "NEW_MATCHES_NOTIFIED_RUN_KINDS",
    "NEW_MATCHES_NOTIFIED_TOP",
    "REGION_CODES",
    "SUPPLIERS_FOR_FULL_RECOMPUTE",
    "InvalidMatchTransition",
    "MatchingContext",
    "SuggestionRow",
    "challenges_gaining_top_suggestions",
    "introduction_request_create",
    "introduction_request_decide",
    "match_can_change_status",
    "match_chunk_claim",
    "match_chunk_process",
    "match_chunks_redeliver",
    "match_notify_new_suggestions",
    "match_rank_challenge",
    "match_run_create",
    "match_run_fail",
    "match_run_for_challenge",
    "match_run_for_supplier",
    "match_run_full",
    "match_run_process_here",
    "match_schedule_for_suppliers",
    "match_score_pairs",
    "match_set_shortlisted",
    "match_set_status",
    "match_suggest_pairs",
    "matching_context_current",
    "matching_context_load",
    "reasons_build",
    "suggestions_rank",
    "suggestions_write",
]
