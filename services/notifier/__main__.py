"""python -m services.notifier"""

from services.common.server import main
from services.notifier.bootstrap import definition

main(definition())
