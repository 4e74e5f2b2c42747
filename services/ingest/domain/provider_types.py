"""Provider types: which cloud billed a cost, in the API's one vocabulary.

A connected account bills as its own type (`aws`, `gcp`, `azure`, `digitalocean`). A FOCUS
source can hold several clouds' bills, so each of its rows counts under its `ProviderName`:
the names FOCUS exports and our connectors write map onto those types ("Microsoft" is
`azure`), any other name is kept as a lower_snake slug ("Oracle" is `oracle`), and a row
that names no provider stays `focus_file`.
"""

from __future__ import annotations

import re
from functools import lru_cache

FOCUS_FILE = "focus_file"
# Account providers as stored (cloud_accounts.provider) -> their type.
ACCOUNT_TYPES = {
    "AWS": "aws",
    "GCP": "gcp",
    "AZURE": "azure",
    "DIGITALOCEAN": "digitalocean",
    "FOCUS_FILE": FOCUS_FILE,
}
# FOCUS ProviderName values (compared lower-cased, spaces collapsed) that name a known type.
FOCUS_PROVIDER_NAMES = {
    "aws": "aws",
    "amazon web services": "aws",
    "google cloud": "gcp",
    "google cloud platform": "gcp",
    "gcp": "gcp",
    "microsoft": "azure",
    "microsoft azure": "azure",
    "azure": "azure",
    "digitalocean": "digitalocean",
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def provider_type(account_provider: str, provider_name: str | None) -> str:
    """The type a row of an account of `account_provider` counts under."""
    if account_provider != "FOCUS_FILE":
        return ACCOUNT_TYPES.get(account_provider, account_provider.lower())
    name = " ".join((provider_name or "").split()).lower()
    known = FOCUS_PROVIDER_NAMES.get(name)
    if known:
        return known
    return _NOT_SLUG.sub("_", name).strip("_") or FOCUS_FILE
