"""Entries of the processes metering spawns (multiprocessing `spawn`: each imported afresh)."""
