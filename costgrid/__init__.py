"""`costgrid`, the command line of the REST API (`python -m costgrid --help`).

The generated protobuf packages live under gen/costgrid: extending the path lets
`costgrid.<service>.v1` keep resolving there whichever of the two directories comes first."""

import pkgutil

__path__ = pkgutil.extend_path(__path__, __name__)
