"""Data and invariants of the events app (DESIGN.md)."""
