"""Signals accounts declares for the apps to its right (accounts imports none of them).

`email_verified(sender=User, user=…)`: the person proved they own `user.email` (a
verification link, or a password-reset link). Sent once, after the transaction commits.
This is the moment another app may trust the address, e.g. the directory linking the
account to the contact with the same email; before it, anyone could have typed it.
"""

from django.dispatch import Signal

email_verified = Signal()
