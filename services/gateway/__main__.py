"""python -m services.gateway"""

import uvloop

from services.common.server import main
from services.gateway.bootstrap import definition

# uvloop: the gateway's CPU goes into its event loop (HTTP in, gRPC out) more than its own code.
main(definition(), loop_factory=uvloop.new_event_loop)
