"""The shared agenda: events proposed by member organisations, moderated by staff."""
