"""Data and invariants of the memberships app (DESIGN.md)."""
