"""The staff side of the agenda: events edited, participants, exports, badges and sheets,
check-in at the door."""
