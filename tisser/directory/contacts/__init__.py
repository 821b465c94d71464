"""The contacts base: organisations and people on the staff side, duplicates and merges,
claims, segments, timelines, personal data, representatives."""
