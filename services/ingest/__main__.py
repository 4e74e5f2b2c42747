"""python -m services.ingest"""

import os

# FOCUS imports stream Arrow batches through several threads; Arrow's jemalloc pool returns
# their memory far better than its default (mimalloc): ~285 MB instead of ~330 MB peak RSS
# for a 1M-row import (bench.ingest_import). Must be set before pyarrow allocates anything.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

from services.common.server import main
from services.ingest.bootstrap import definition

main(definition())
