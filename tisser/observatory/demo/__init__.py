"""Demo data of the observatory, on top of `manage.py load_demo` (see `load_demo_observatory`)."""
