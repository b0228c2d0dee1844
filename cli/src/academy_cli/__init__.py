"""The `academy` command-line tool. Standard library only; the Docker SDK is optional."""

__version__ = "1.0.0"
