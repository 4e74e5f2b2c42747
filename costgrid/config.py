"""Where the CLI finds the API: COSTGRID_URL / COSTGRID_TOKEN, else the user's config file
(`$XDG_CONFIG_HOME/costgrid/config.toml`, readable only by its owner)."""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path

from costgrid.client import CliError

API_PREFIX = "/api/v1"


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "costgrid" / "config.toml"


def api_url(url: str) -> str:
    """The API's root whether the user gave the server (http://host:8080) or the API itself."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise CliError(f"the URL must start with http:// or https://, not {url!r}")
    return url if url.endswith(API_PREFIX) else url + API_PREFIX


def load() -> dict[str, str]:
    path = config_path()
    try:
        values = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from exc
    return {key: str(values[key]) for key in ("url", "token") if key in values}


def save(url: str, token: str) -> Path:
    """Written to a private temporary file and renamed, so no reader sees half of it and the
    token is never readable by others, not even for an instant."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # json.dumps of a str is a valid TOML basic string.
    text = f"url = {json.dumps(url)}\ntoken = {json.dumps(token)}\n"
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def credentials() -> tuple[str, str]:
    stored = load()
    url = os.environ.get("COSTGRID_URL") or stored.get("url")
    token = os.environ.get("COSTGRID_TOKEN") or stored.get("token")
    if not url or not token:
        raise CliError(
            "not logged in: run `costgrid login` (or set COSTGRID_URL and COSTGRID_TOKEN)"
        )
    return api_url(url), token
