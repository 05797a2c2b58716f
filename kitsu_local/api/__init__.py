"""Every route of the API, gathered from the area modules (each starts with its path table)."""

from . import auth, breakdown, comments, crud, pictures, previews, projects, search, status, tasks

ROUTE_HANDLERS = [
    *status.ROUTES,
    *auth.ROUTES,
    *breakdown.ROUTES,
    *projects.ROUTES,
    *search.ROUTES,
    *tasks.ROUTES,
    *comments.ROUTES,
    *previews.ROUTES,
    *pictures.ROUTES,
    *crud.ROUTES,
]
