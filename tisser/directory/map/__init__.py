"""The public cooperative map: its page, viewport data, list, search and each actor's page."""
