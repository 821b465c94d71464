"""Tisser's settings, with the minimal view's URL added (benchmarks only)."""

from tisser.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.minimal.urls"
