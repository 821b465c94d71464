"""HelloAsso: the API client, payment notifications (webhook) and CSV exports."""
