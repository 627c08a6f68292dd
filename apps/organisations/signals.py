"""What happens to organisations that apps above react to (matching recomputes what a
changed supplier affects).

Sent inside the transaction that makes the change, not after it: a receiver records its
durable intent (a match run row) in that same transaction, so the intent commits or rolls
back with the change, and the work itself starts after the commit (`apps.core.delivery`).
"""

from django.dispatch import Signal

# Organisations were created or changed: `organisation_ids` (a list), `fields` (the names
# that changed, or None for new or imported rows: anything may have), `trigger`. The
# receiver decides which fields, and which kinds of organisation, matter to it.
organisation_changed = Signal()
