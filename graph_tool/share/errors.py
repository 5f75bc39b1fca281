"""Errors of the sharing package; every message is safe to show and carries no personal data."""

from __future__ import annotations


class ShareError(Exception):
    """Sharing refused or failed; the message says why."""


class ShareKeyError(ShareError):
    """A key or secret is missing or unusable (the message never repeats the key)."""


class ProfileError(ShareError):
    """A redaction profile is missing or invalid; the message names the file and the key."""


class BundleError(ShareError):
    """A bundle cannot be created, or is refused because it did not verify."""
