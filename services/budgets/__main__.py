"""python -m services.budgets"""

from services.common.server import main
from services.budgets.bootstrap import definition

main(definition())
