"""Every SQL statement of the budgets service, one module per table family."""
