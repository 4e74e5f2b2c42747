"""python -m services.metering"""

from services.common.server import main
from services.metering.bootstrap import definition

main(definition())
