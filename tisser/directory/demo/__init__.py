"""The demo network of Hauts-de-France: `build_demo_network(size, seed)` and its accounts."""

from .loader import TerritoriesMissing, build_demo_network
from .users import DEMO_PASSWORD, DEMO_USERS, ROLE_LABELS

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "ROLE_LABELS", "TerritoriesMissing", "build_demo_network"]
