"""One module per command group of `costgrid` (kept apart from the generated
`costgrid.<service>` protobuf packages that share this package path)."""
