"""Use cases of the budgets service, one transaction each; role checks happen here."""
