"""Signup attempts, counted per hashed client address to stop a signup flood."""

from django.db import models
from django.utils import timezone


class SignupAttempt(models.Model):
    client_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "signup attempt"

    def __str__(self):
        return f"{self.client_hash[:8]} {self.at:%Y-%m-%d %H:%M}"
