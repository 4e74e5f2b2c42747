"""The metering service's gRPC face: servicers and proto <-> domain conversion, nothing else."""
