"""markhive: a self-hosted bookmark server."""

__version__ = "0.1.0"

# The linkding API level markhive implements; reported by /health so that
# clients which check linkding's version (aiolinkding) accept the server.
LINKDING_API_VERSION = "1.46.2"
