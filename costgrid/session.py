"""The client a command talks through, built from the saved login or the environment."""

from __future__ import annotations

from costgrid.client import Client
from costgrid.config import credentials


def client() -> Client:
    url, token = credentials()
    return Client(url, token)
