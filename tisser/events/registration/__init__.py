"""Registrations: the rules, the places, registering, the waiting list, changes and the
emails."""
