"""Every route of the API, gathered from the area modules (each starts with its path table)."""

from . import auth, crud, status

ROUTE_HANDLERS = [*status.ROUTES, *auth.ROUTES, *crud.ROUTES]
