"""Operators' commands for organizations, against the gateway's database (no restart needed:
the gateway looks tokens up there).

    python -m tools.orgs create acme --name "Acme Corp"
    python -m tools.orgs create acme --name "Acme Corp" --output json

Prints the new organization's first admin token once; it cannot be shown again. Exit codes:
0 created, 1 refused (the id exists or is not valid), 2 bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys

from services.common.errors import DomainError
from services.common.known_settings import refuse_unknown_variables
from services.common.server import prepare_database
from services.common.settings import load_settings
from services.gateway.handlers import organizations as handlers_orgs


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m tools.orgs", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)
    create = commands.add_parser(
        "create",
        help="create an organization and its first admin token",
        epilog='example: python -m tools.orgs create acme --name "Acme Corp"',
    )
    create.add_argument("org_id", help="lowercase id, e.g. acme")
    create.add_argument("--name", help="display name (default: the id)")
    create.add_argument("--output", choices=("table", "json"), default="table")
    return root


async def create(org_id: str, name: str) -> tuple[int, str]:
    settings = load_settings()
    db = await prepare_database(settings, "gateway")
    try:
        record, secret = await handlers_orgs.create_organization(
            db, org_id, name, actor=f"cli:{getpass.getuser()}"
        )
    finally:
        await db.dispose()
    return record.id, secret


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    refuse_unknown_variables()
    try:
        token_id, secret = asyncio.run(create(args.org_id, args.name or args.org_id))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    if args.output == "json":
        print(json.dumps({"org_id": args.org_id, "token_id": token_id, "admin_token": secret}))
    else:
        print(f"organization  {args.org_id}\nadmin token   {secret}\n(shown only this once)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
