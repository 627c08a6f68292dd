"""What happens to challenges that apps above react to (matching recomputes suggestions).

Sent inside the transaction that makes the change, not after it: a receiver records its
durable intent (a match run row) in that same transaction, so the intent commits or rolls
back with the change, and the work itself starts after the commit (`apps.core.delivery`).
"""

from django.dispatch import Signal

# Challenges became published: `challenge_ids` (a list), `trigger` (why, for the run's log).
challenge_published = Signal()

# Published challenges were edited: `challenge_ids` (a list), `fields` (the names that
# changed, or None when any may have: an import), `trigger`. The receiver decides which
# fields matter to it.
challenge_changed = Signal()
