"""Writes in a learning community, one module per part: joining.py, activities.py,
updates.py (updates and learning records), forming.py (forming and the status workflow),
invitations.py; common.py holds what they share. Everything public is importable from here.
Views, the admin and tasks all call these, so each change has one definition and notifies
the same people.

Creating functions return `(object, created)`: a double submit (two identical requests in a
row) gets the first object back instead of a second one. Where no unique constraint says
what "identical" is, the community row is locked (`FOR NO KEY UPDATE`, which leaves other
writes to the community alone) so two requests are compared one after the other.
"""

from .activities import (
    ACTIVITY_FIELDS,
    ACTIVITY_PLANNING_FIELDS,
    CANCELLED_ACTIVITY_TITLE,
    CHANGED_ACTIVITY_TITLE,
    NEW_ACTIVITY_TITLE,
    activity_change,
    activity_create,
    activity_delete,
)
from .common import (
    DOUBLE_SUBMIT_WINDOW,
    community_lock,
    moment_text,
    person_name,
)
from .forming import (
    community_can_change_status,
    community_challenge_add,
    community_change_status,
    community_edit_problems,
    community_form_from_matches,
    community_save_edited,
)
from .invitations import (
    community_invitation_accept,
    community_invitation_decline,
    invitee_notify,
)
from .joining import (
    PARTICIPANT_ROLE_VALUES,
    join_request_approve,
    join_request_check_open,
    join_request_create,
    join_request_decline,
    join_request_withdraw,
)
from .updates import (
    community_update_create,
    community_update_delete,
    learning_record_save,
)

__all__ = [
    "ACTIVITY_FIELDS",
    "ACTIVITY_PLANNING_FIELDS",
    "CANCELLED_ACTIVITY_TITLE",
    "CHANGED_ACTIVITY_TITLE",
    "DOUBLE_SUBMIT_WINDOW",
    "NEW_ACTIVITY_TITLE",
    "PARTICIPANT_ROLE_VALUES",
    "activity_change",
    "activity_create",
    "activity_delete",
    "community_can_change_status",
    "community_challenge_add",
    "community_change_status",
    "community_edit_problems",
    "community_form_from_matches",
    "community_invitation_accept",
    "community_invitation_decline",
    "community_lock",
    "community_save_edited",
    "community_update_create",
    "community_update_delete",
    "invitee_notify",
    "join_request_approve",
    "join_request_check_open",
    "join_request_create",
    "join_request_decline",
    "join_request_withdraw",
    "learning_record_save",
    "moment_text",
    "person_name",
]
