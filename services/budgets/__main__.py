"""python -m services.budgets"""

from services.budgets.bootstrap import definition
from services.common.server import main

main(definition())
