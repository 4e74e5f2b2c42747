"""Prints grpcurl -H flags carrying a signed caller context, for calling a service by hand.

    eval grpcurl -plaintext $(python -m tools.caller_header default admin) \
        127.0.0.1:50051 costgrid.ingest.v1.CostQueryService/GetOverview
"""

from __future__ import annotations

import shlex
import sys

from services.common.caller import Caller, sign
from services.common.settings import load_settings


def main(argv: list[str]) -> int:
    org, role = (argv + ["default", "viewer"][len(argv) :])[:2]
    key = load_settings().context_signing_key.get_secret_value().encode()
    pairs = sign(Caller(org_id=org, role=role, principal="cli"), key)
    print(" ".join(f"-H {shlex.quote(f'{k}: {v}')}" for k, v in pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
