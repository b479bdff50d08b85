"""Analytics: derived indicators, composite indices, the supply-demand index, the TRL × demand dual track."""

__all__: list[str] = []
