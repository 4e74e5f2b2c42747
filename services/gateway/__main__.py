"""python -m services.gateway"""

from services.common.server import main
from services.gateway.bootstrap import definition

main(definition())
