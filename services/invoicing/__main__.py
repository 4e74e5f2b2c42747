"""python -m services.invoicing"""

from services.common.server import main
from services.invoicing.bootstrap import definition

main(definition())
