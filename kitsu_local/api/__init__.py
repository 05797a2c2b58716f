"""Every route of the API, gathered from the area modules (each starts with its path table)."""

from . import (
    auth,
    breakdown,
    breakdown_tasks,
    casting,
    comments,
    crud,
    entities,
    output_files,
    persons,
    pictures,
    previews,
    projects,
    schedules,
    search,
    status,
    tasks,
)

ROUTE_HANDLERS = [
    *status.ROUTES,
    *auth.ROUTES,
    *breakdown.ROUTES,
    *breakdown_tasks.ROUTES,
    *casting.ROUTES,
    *entities.ROUTES,
    *output_files.ROUTES,
    *persons.ROUTES,
    *projects.ROUTES,
    *schedules.ROUTES,
    *search.ROUTES,
    *tasks.ROUTES,
    *comments.ROUTES,
    *previews.ROUTES,
    *pictures.ROUTES,
    *crud.ROUTES,
]
