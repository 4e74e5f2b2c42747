"""python -m services.ingest"""

from services.common.server import main
from services.ingest.bootstrap import definition

main(definition())
