"""Data and invariants of the observatory app (DESIGN.md)."""
