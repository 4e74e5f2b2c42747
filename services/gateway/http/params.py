"""Parameters several hand-written routes take: the caller at a minimum role, ids, days."""

from typing import Annotated

from fastapi import Depends, Path, Query

from services.common.caller import Caller
from services.gateway.http import definitions
from services.gateway.http.auth import require

Viewer = Annotated[Caller, Depends(require("viewer"))]
Member = Annotated[Caller, Depends(require("member"))]
Admin = Annotated[Caller, Depends(require("admin"))]

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
ProviderId = Annotated[int | None, Query(ge=1, le=2**63 - 1, description=definitions.PROVIDER_ID)]
Day = Annotated[
    str,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD (UTC), 2000-01-01..2099-12-31"),
]
Currency = Annotated[str, Query(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. USD")]
