"""One vocabulary of provider types: accounts bill as their own, FOCUS rows as their cloud."""

import pytest

from services.ingest.domain.provider_types import provider_type


@pytest.mark.parametrize(
    ("account", "name", "kind"),
    [
        ("AWS", "", "aws"),
        ("GCP", "Google Cloud", "gcp"),
        ("AZURE", "Microsoft", "azure"),
        ("DIGITALOCEAN", "DigitalOcean", "digitalocean"),
        ("AWS", "Microsoft", "aws"),
        ("FOCUS_FILE", "AWS", "aws"),
        ("FOCUS_FILE", "Microsoft", "azure"),
        ("FOCUS_FILE", " google  cloud ", "gcp"),
        ("FOCUS_FILE", "DigitalOcean", "digitalocean"),
        ("FOCUS_FILE", "Oracle", "oracle"),
        ("FOCUS_FILE", "Alibaba Cloud (Intl.)", "alibaba_cloud_intl"),
        ("FOCUS_FILE", "", "focus_file"),
        ("FOCUS_FILE", None, "focus_file"),
        ("FOCUS_FILE", "---", "focus_file"),
    ],
)
def test_each_row_counts_under_one_lower_snake_type(account: str, name: str, kind: str) -> None:
    assert provider_type(account, name) == kind
