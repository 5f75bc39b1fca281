"""Sharing with partners, victim-safe: redaction profiles, pseudonyms, k-anonymity, signed
bundles, and privacy-preserving matching of phone and document numbers.

* :func:`load_profile` / :func:`redact`: what one recipient may see (:mod:`.policy`, :mod:`.redact`).
* :func:`create_bundle` / :func:`verify_bundle` / :func:`import_bundle`: signed archives (:mod:`.bundle`).
* :func:`export_hashes` / :func:`match_hashes`: keyed-hash matching (:mod:`.hashmatch`).

Every bundle, import, hash export, comparison and unmasking is recorded with
:func:`graph_tool.audit.record`; application logs carry counts, never personal data.
"""

from __future__ import annotations

from graph_tool.share.bundle import (
    BundleInfo,
    ImportResult,
    VerifyResult,
    create_bundle,
    generate_keypair,
    import_bundle,
    make_bundle,
    verify_bundle,
)
from graph_tool.share.errors import BundleError, ProfileError, ShareError, ShareKeyError
from graph_tool.share.hashmatch import HashExport, MatchResult, Overlap, export_hashes, match_hashes
from graph_tool.share.policy import Profile, builtin_profiles, load_profile
from graph_tool.share.redact import RedactionResult, ShareWarning, protection_context, redact

__all__ = [
    "BundleError",
    "BundleInfo",
    "HashExport",
    "ImportResult",
    "MatchResult",
    "Overlap",
    "Profile",
    "ProfileError",
    "RedactionResult",
    "ShareError",
    "ShareKeyError",
    "ShareWarning",
    "VerifyResult",
    "builtin_profiles",
    "create_bundle",
    "export_hashes",
    "generate_keypair",
    "import_bundle",
    "load_profile",
    "make_bundle",
    "match_hashes",
    "protection_context",
    "redact",
    "verify_bundle",
]
