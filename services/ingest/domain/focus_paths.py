"""Where a FOCUS_FILE account's `path` may point: below its organization's drop folder only.

The drop folder is the operator's (`COSTGRID_INGEST_FOCUS_ROOT`); an organization sees only
`<root>/<org_id>/`, and a tenant's `path` is relative to that. These are the rules that need
no disk; links are checked against the real folder when the path is resolved (focus_folder).
"""

from __future__ import annotations

from pathlib import PurePosixPath

MAX_PATH = 1024


class PathRefused(Exception):
    """`message` names the rule broken, never anything about the host outside the folder."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def relative_parts(path: str) -> tuple[str, ...]:
    """The path's components below the org folder ('' or '.' is the folder itself)."""
    if len(path) > MAX_PATH:
        raise PathRefused(f"must be at most {MAX_PATH} characters")
    if "\0" in path or "\\" in path:
        raise PathRefused("must not contain NUL or backslash characters")
    if path.startswith("/") or path.startswith("~"):
        raise PathRefused(
            "must be relative to the organization's FOCUS folder, not an absolute path"
        )
    parts = tuple(p for p in PurePosixPath(path).parts if p != ".")
    if ".." in parts:
        raise PathRefused("must not contain '..': it stays inside the organization's FOCUS folder")
    return parts


def org_folder_name(org_id: str) -> str:
    """The org's folder under the root is named by its id, which must be one plain name."""
    if not org_id or org_id in (".", "..") or any(c in org_id for c in "/\\\0"):
        raise PathRefused(f"organization {org_id!r} cannot have a FOCUS folder")
    return org_id
