"""The command line (`sectorscope`), thin over the library."""
__all__: list[str] = []
