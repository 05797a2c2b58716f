"""The persons' time: time sheets, day offs, presence and quota shots.

GET /data/persons/presence-logs/{month_date}      CSV of the month's desktop logins (admin)
GET /data/persons/{person_id}/time-spents         the person's time spents (start_date, end_date)
GET /data/persons/{person_id}/time-spents/{date}  the person's time spents of a day
GET /data/persons/{person_id}/day-offs/{date}     the day off covering a day, {} when none
GET /data/persons/{person_id}/time-spents/year/{year}           time per task over a year
GET /data/persons/{person_id}/time-spents/month/{year}/{month}  ... a month
GET /data/persons/{person_id}/time-spents/month/all/{year}/{month}  the month's time spent rows
GET /data/persons/{person_id}/time-spents/week/{year}/{week}    ... an ISO week
GET /data/persons/{person_id}/time-spents/day/{year}/{month}/{day}  ... a day
GET /data/persons/{person_id}/quota-shots/month/{year}/{month}  shots behind the month's quota
GET /data/persons/{person_id}/quota-shots/week/{year}/{week}    ... an ISO week's
GET /data/persons/{person_id}/quota-shots/day/{year}/{month}/{day}  ... a day's
GET /data/persons/time-spents/year-table/         {year: {person id: total}}
GET /data/persons/time-spents/month-table/{year}  {month: {person id: total}}
GET /data/persons/time-spents/week-table/{year}   {ISO week number: {person id: total}}
GET /data/persons/time-spents/day-table/{year}/{month}  {day: {person id: total}}
GET /data/persons/day-offs/{year}                 the year's day offs the caller may read
GET /data/persons/day-offs/{year}/{month}         the month's day offs the caller may read
GET /data/persons/{person_id}/day-offs/week/{year}/{week}     the person's day offs of a week
GET /data/persons/{person_id}/day-offs/month/{year}/{month}   ... of a month
GET /data/persons/{person_id}/day-offs/year/{year}            ... of a year
GET /data/persons/{person_id}/day-offs            all the person's day offs
GET /data/persons/task-dates                      first start and last due date per person
"""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Response

from ..context import Ctx
from ..services import day_offs, presence, quota_shots, task_dates, time_sheets
from .endpoint import endpoint

PERSON = "/data/persons/{person_id}"


@endpoint("GET", "/data/persons/presence-logs/{month_date}")
async def get_presence_logs(ctx: Ctx, month_date: str) -> Response:
    sheet = await presence.presence_logs(ctx, month_date)
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(sheet)
    return Response(
        content=text.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": "attachment; filename=kitsu_export.csv"},
    )


@endpoint("GET", PERSON + "/time-spents")
async def get_time_spents(ctx: Ctx, person_id: str) -> Any:
    return await time_sheets.time_spents(ctx, person_id)


@endpoint("GET", PERSON + "/time-spents/{date}")
async def get_date_time_spents(ctx: Ctx, person_id: str, date: str) -> Any:
    return await time_sheets.time_spents_of_date(ctx, person_id, date)


@endpoint("GET", PERSON + "/day-offs/{date}")
async def get_date_day_off(ctx: Ctx, person_id: str, date: str) -> Any:
    return await day_offs.day_off_of_date(ctx, person_id, date)


@endpoint("GET", PERSON + "/time-spents/year/{year}")
async def get_year_time_spents(ctx: Ctx, person_id: str, year: str) -> Any:
    return await time_sheets.period_totals(ctx, person_id, "year", year)


@endpoint("GET", PERSON + "/time-spents/month/{year}/{month}")
async def get_month_time_spents(ctx: Ctx, person_id: str, year: str, month: str) -> Any:
    return await time_sheets.period_totals(ctx, person_id, "month", year, month)


@endpoint("GET", PERSON + "/time-spents/month/all/{year}/{month}")
async def get_all_month_time_spents(ctx: Ctx, person_id: str, year: str, month: str) -> Any:
    return await time_sheets.month_time_spents(ctx, person_id, year, month)


@endpoint("GET", PERSON + "/time-spents/week/{year}/{week}")
async def get_week_time_spents(ctx: Ctx, person_id: str, year: str, week: str) -> Any:
    return await time_sheets.period_totals(ctx, person_id, "week", year, week)


@endpoint("GET", PERSON + "/time-spents/day/{year}/{month}/{day}")
async def get_day_time_spents(ctx: Ctx, person_id: str, year: str, month: str, day: str) -> Any:
    return await time_sheets.period_totals(ctx, person_id, "day", year, month, day)


@endpoint("GET", PERSON + "/quota-shots/month/{year}/{month}")
async def get_month_quota_shots(ctx: Ctx, person_id: str, year: str, month: str) -> Any:
    return await quota_shots.quota_shots(ctx, person_id, "month", year, month)


@endpoint("GET", PERSON + "/quota-shots/week/{year}/{week}")
async def get_week_quota_shots(ctx: Ctx, person_id: str, year: str, week: str) -> Any:
    return await quota_shots.quota_shots(ctx, person_id, "week", year, week)


@endpoint("GET", PERSON + "/quota-shots/day/{year}/{month}/{day}")
async def get_day_quota_shots(ctx: Ctx, person_id: str, year: str, month: str, day: str) -> Any:
    return await quota_shots.quota_shots(ctx, person_id, "day", year, month, day)


@endpoint("GET", "/data/persons/time-spents/year-table")
async def get_year_table(ctx: Ctx) -> Any:
    return await time_sheets.table(ctx, "year")


@endpoint("GET", "/data/persons/time-spents/month-table/{year}")
async def get_month_table(ctx: Ctx, year: str) -> Any:
    return await time_sheets.table(ctx, "month", year)


@endpoint("GET", "/data/persons/time-spents/week-table/{year}")
async def get_week_table(ctx: Ctx, year: str) -> Any:
    return await time_sheets.table(ctx, "week", year)


@endpoint("GET", "/data/persons/time-spents/day-table/{year}/{month}")
async def get_day_table(ctx: Ctx, year: str, month: str) -> Any:
    return await time_sheets.table(ctx, "day", year, month)


@endpoint("GET", "/data/persons/day-offs/{year}")
async def get_year_day_offs(ctx: Ctx, year: str) -> Any:
    return await day_offs.studio_day_offs(ctx, "year", year)


@endpoint("GET", "/data/persons/day-offs/{year}/{month}")
async def get_month_day_offs(ctx: Ctx, year: str, month: str) -> Any:
    return await day_offs.studio_day_offs(ctx, "month", year, month)


@endpoint("GET", PERSON + "/day-offs/week/{year}/{week}")
async def get_person_week_day_offs(ctx: Ctx, person_id: str, year: str, week: str) -> Any:
    return await day_offs.person_day_offs(ctx, person_id, "week", year, week)


@endpoint("GET", PERSON + "/day-offs/month/{year}/{month}")
async def get_person_month_day_offs(ctx: Ctx, person_id: str, year: str, month: str) -> Any:
    return await day_offs.person_day_offs(ctx, person_id, "month", year, month)


@endpoint("GET", PERSON + "/day-offs/year/{year}")
async def get_person_year_day_offs(ctx: Ctx, person_id: str, year: str) -> Any:
    return await day_offs.person_day_offs(ctx, person_id, "year", year)


@endpoint("GET", PERSON + "/day-offs")
async def get_person_day_offs(ctx: Ctx, person_id: str) -> Any:
    return await day_offs.person_day_offs(ctx, person_id)


@endpoint("GET", "/data/persons/task-dates")
async def get_persons_task_dates(ctx: Ctx) -> Any:
    return await task_dates.persons_task_dates(ctx)


ROUTES = [
    get_presence_logs,
    get_time_spents,
    get_date_time_spents,
    get_date_day_off,
    get_year_time_spents,
    get_month_time_spents,
    get_all_month_time_spents,
    get_week_time_spents,
    get_day_time_spents,
    get_month_quota_shots,
    get_week_quota_shots,
    get_day_quota_shots,
    get_year_table,
    get_month_table,
    get_week_table,
    get_day_table,
    get_year_day_offs,
    get_month_day_offs,
    get_person_week_day_offs,
    get_person_month_day_offs,
    get_person_year_day_offs,
    get_person_day_offs,
    get_persons_task_dates,
]
