"""`python -m sectorscope` is the `sectorscope` command."""
from .cli.main import main

__all__: list[str] = []

main()
