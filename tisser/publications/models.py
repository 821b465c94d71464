"""Data and invariants of the publications app (DESIGN.md)."""
