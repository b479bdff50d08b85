"""What each endpoint reads from the store, as plain functions over a `Store` (no HTTP in here): the
library does the work; these shape its answers into the API's models and word its refusals for an API
user ("see /api/catalog")."""
__all__: list[str] = []
