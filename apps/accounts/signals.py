"""What happens to accounts that apps above react to (the hubs app gives a programme
coordinator what comes with the role)."""

from django.dispatch import Signal

# A person's programme-coordinator flag was set or cleared by hand (the admin's people page):
# `user`, `enabled`. Sent once the edit, groups included, is saved.
programme_coordinator_flag_changed = Signal()
