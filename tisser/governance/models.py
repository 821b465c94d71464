"""Data and invariants of the governance app (DESIGN.md)."""
