"""Use cases of the metering service, one transaction each."""
