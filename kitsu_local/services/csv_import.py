"""CSV imports (Zou's ``source/csv`` blueprints): reading the uploaded file, the errors that
name a line and a column, the cells shared by the breakdown imports (metadata descriptors,
people, task statuses and the task columns), and the persons import.

How Zou reads a file (``base.py``): UTF-8, the dialect sniffed from the first 8 KiB (``;`` and
``,`` both work), a header row, columns matched by name, rows made only of empty cells skipped,
``?update=true`` to change the records that exist. Its answer: 201 and the imported records.

Deliberate differences from Zou 1.0.97, as issue 10 asks:

- One transaction per file: a bad row fails the whole file (400) and nothing is written, not
  even the rows before it (Zou commits row by row; ``imported_rows`` is always 0 here).
- Every 400 names where: ``"line 4, column 'Sequence': ..."`` (``line_number`` too, as Zou).
  A file that is empty, not UTF-8, not a table; a missing required column; a column the import
  does not know (Zou ignores it, so a typo silently imported nothing); a cell that references
  something missing (a person, a task status, a studio...) or is not of its type.
- Columns the matching export writes and the import has no use for (``Project``, ``Time
  Spent``, ``Assignations``) are accepted and ignored, so that an export imports back.
- A UTF-8 byte order mark is accepted (spreadsheets write one; Zou reads it into the first
  column name, which then matches nothing). A file of one column reads as comma-separated
  (Zou's sniffer takes a letter of the header for the delimiter: 400, a column missing).
- An ``Episode`` cell on a production that is not a TV show is refused for shots too (Zou
  refuses it for assets and edits but ignores it for shots, dropping a TV show's episodes).
- An empty ``FPS`` or ``Resolution`` cell leaves the value as it is (Zou stores ``""``: an
  export imported back gave every shot without fps an ``fps: ""``).
- Persons go through the rules of ``POST /data/persons``: the user limit counts (Zou's import
  ignores it), ``person:new`` / ``person:update`` are emitted (Zou emits none).
- Estimations: a ``Parent`` / ``Entity`` pair naming shots of several episodes is a 400 asking
  for the episode's route (Zou updates one of them).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from .. import rows
from ..context import Ctx
from ..errors import ApiError, BadRequest
from ..models import Department, MetadataDescriptor, Person, Studio, TaskStatus
from . import crud
from .persons import normalize_email, safe_form
from .spec import Row, spec_for_table

SNIFF_BYTES = 8192
DELIMITERS = ";,\t|"
# What the exports write that no import reads: accepted, ignored.
EXPORT_ONLY_COLUMNS = frozenset({"Project", "Time Spent", "Assignations"})
TRUE_WORDS = ("y", "yes", "t", "true", "on", "1")
FALSE_WORDS = ("n", "no", "f", "false", "off", "0")
MAX_INT = 2**31 - 1

PERSON_COLUMNS = (
    "First Name", "Last Name", "Email", "Phone", "Role", "Contract Type", "Position", "Seniority",
    "Country", "Daily Salary", "Studio", "Departments", "Active",
)  # fmt: skip
# Zou's ChoiceType labels, by code (models/person.py).
ROLE_LABELS = {
    "user": "Artist", "admin": "Studio Manager", "supervisor": "Supervisor",
    "manager": "Production Manager", "client": "Client", "vendor": "Vendor",
}  # fmt: skip
CONTRACT_LABELS = {
    "open-ended": "Open-ended", "fixed-term": "Fixed-term", "short-term": "Short-term",
    "freelance": "Freelance", "apprentice": "Apprentice", "internship": "Internship",
}  # fmt: skip
POSITION_LABELS = {"supervisor": "Supervisor", "lead": "Lead", "artist": "Artist"}
SENIORITY_LABELS = {"senior": "Senior", "mid": "Mid", "junior": "Junior"}


# ==== the file ===============================================================================
@dataclass
class CsvRow:
    """One data row: its line in the file (the header is line 1) and its cells by column.
    An absent column (or a row shorter than the header) reads None, an empty cell ``""``."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str | None:
        return self.cells.get(column)

    def text(self, column: str) -> str | None:
        """The stripped cell; None when absent or empty."""
        value = self.cells.get(column)
        return value.strip() or None if value is not None else None

    def error(self, column: str | None, message: str) -> BadRequest:
        return row_error(self.line, column, message)


@dataclass
class CsvTable:
    header_line: int
    columns: list[str]
    rows: list[CsvRow] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return column in self.columns

    def check_columns(
        self, required: tuple[str, ...] | list[str], known: set[str] | frozenset[str]
    ) -> None:
        """400 for a missing required column or one the import does not read."""
        for column in required:
            if column not in self.columns:
                raise row_error(self.header_line, column, "this required column is missing")
        accepted = set(known) | set(required) | EXPORT_ONLY_COLUMNS
        seen: set[str] = set()
        for column in self.columns:
            if column not in accepted:
                raise row_error(
                    self.header_line, column,
                    f"unknown column (accepted: {', '.join(sorted(accepted))})",
                )  # fmt: skip
            if column in seen and column not in EXPORT_ONLY_COLUMNS:
                raise row_error(self.header_line, column, "the column appears twice")
            seen.add(column)


def row_error(line: int, column: str | None, message: str) -> BadRequest:
    """Zou's row error body (``line_number``, ``imported_rows``), the place in ``message``."""
    where = f"line {line}, column '{column}'" if column else f"line {line}"
    return BadRequest(f"{where}: {message}", line_number=line, imported_rows=0)


def read_table(content: bytes) -> CsvTable:
    """The uploaded bytes as a table: UTF-8 (a BOM allowed), dialect sniffed as Zou does, a
    header row, rows of empty cells skipped, cells beyond the header refused unless empty."""
    if not content.strip():
        raise BadRequest("The file is empty.", line_number=0, imported_rows=0)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise row_error(line, None, "the file is not UTF-8 text (a CSV file is expected)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise row_error(line, None, "the file holds binary data (a CSV file is expected)")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    table: CsvTable | None = None
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if table is None:
                table = CsvTable(line, [cell.strip() for cell in cells])
                while table.columns and not table.columns[-1]:
                    table.columns.pop()
                for index, column in enumerate(table.columns):
                    if not column:
                        raise row_error(line, None, f"column {index + 1} has no name")
                continue
            table.rows.append(_row(table, line, cells))
    except csv.Error as error:
        raise row_error(reader.line_num, None, f"malformed CSV: {error}") from None
    if table is None:  # pragma: no cover - content.strip() was not empty
        raise BadRequest("The file is empty.", line_number=0, imported_rows=0)
    return table


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Zou's sniffing (``doublequote`` forced on), limited to the usual delimiters; a
    one-column file, which the sniffer cannot read, is taken as comma-separated."""
    sample = text[:SNIFF_BYTES]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        dialect.doublequote = True
        dialect.strict = True
        return dialect
    except csv.Error:
        pass
    header = sample.splitlines()[0] if sample.splitlines() else ""
    delimiter = next((item for item in DELIMITERS if item in header), ",")

    class Fallback(csv.excel):
        strict = True

    Fallback.delimiter = delimiter
    return Fallback


def _row(table: CsvTable, line: int, cells: list[str]) -> CsvRow:
    width = len(table.columns)
    for index, extra in enumerate(cells[width:], start=width + 1):
        if extra.strip():
            raise row_error(line, None, f"cell {index} ({extra!r}) is beyond the last column")
    values: dict[str, str] = {}
    for column, value in zip(table.columns, cells, strict=False):
        values.setdefault(column, value)
    return CsvRow(line, values)


# ==== cells ==================================================================================
def parse_bool(row: CsvRow, column: str, value: str) -> bool:
    folded = value.strip().lower()
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    raise row.error(column, f"{value!r} is not a boolean (true/false, yes/no, 1/0)")


def parse_int(row: CsvRow, column: str) -> int | None:
    """An integer cell (None when empty), within Zou's 32-bit integer columns."""
    value = row.text(column)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise row.error(column, f"{value!r} is not an integer") from None
    if not -MAX_INT <= number <= MAX_INT:
        raise row.error(column, f"{value!r} is out of range")
    return number


def parse_float(row: CsvRow, column: str) -> float | None:
    """A finite number cell (None when empty)."""
    value = row.text(column)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise row.error(column, f"{value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > MAX_INT:
        raise row.error(column, f"{value!r} is out of range")
    return number


def rewrap(row: CsvRow, column: str | None, error: ApiError) -> ApiError:
    """A 400 raised by a service for this row, with the row's place in its message."""
    body = error.body if isinstance(error.body, dict) else {}
    if error.status_code != 400 or "line_number" in body:
        return error
    return row.error(column, str(body.get("message") or body.get("error") or error))


@dataclass
class People:
    """Person cells: full name, e-mail or id (Zou's ``get_person_id``), read once."""

    by_key: dict[str, str] | None = None

    async def person_id(self, ctx: Ctx, row: CsvRow, column: str, value: str) -> str:
        if self.by_key is None:
            self.by_key = {}
            found = await ctx.conn.execute(
                select(Person.id, Person.first_name, Person.last_name, Person.email)
            )
            for person in found:
                first, last = person.first_name or "", person.last_name or ""
                name = f"{first} {last}" if first and last else f"{first}{last}"
                self.by_key[person.id] = person.id
                self.by_key[name.lower()] = person.id
                if person.email:
                    self.by_key[person.email.lower()] = person.id
        person_id = self.by_key.get(value.strip().lower())
        if person_id is None:
            raise row.error(column, f"no person has the name, e-mail or id {value.strip()!r}")
        return person_id

    async def person_ids(self, ctx: Ctx, row: CsvRow, column: str) -> list[str]:
        value = row.get(column)
        if not value:
            return []
        names = [name for name in value.split(",") if name.strip()]
        return [await self.person_id(ctx, row, column, name) for name in names]


async def descriptors_of(
    ctx: Ctx, project_id: str, entity_type: str, task_type_id: str | None = None
) -> dict[str, Row]:
    """The project's metadata descriptors of that kind, by name (the column names)."""
    conditions = [
        MetadataDescriptor.project_id == project_id,
        MetadataDescriptor.entity_type == entity_type,
    ]
    if task_type_id is not None:
        conditions.append(MetadataDescriptor.task_type_id == task_type_id)
    found = await rows.fetch_where(ctx.conn, MetadataDescriptor, *conditions)
    return {descriptor["name"]: descriptor for descriptor in found}


async def descriptor_values(
    ctx: Ctx, row: CsvRow, descriptors: dict[str, Row], people: People, data: Any
) -> dict[str, Any]:
    """Zou's ``get_descriptor_values``: ``data`` with the row's descriptor cells merged in,
    booleans stored ``"true"``/``"false"``, persons as their id, an empty cell as ``""``."""
    merged = dict(data or {})
    for name, descriptor in descriptors.items():
        value = row.get(name)
        if value is None:
            continue
        if value != "":
            if descriptor["data_type"] == "boolean":
                value = "true" if parse_bool(row, name, value) else "false"
            elif descriptor["data_type"] == "person":
                value = await people.person_id(ctx, row, name, value)
        merged[descriptor["field_name"]] = value
    return merged


async def statuses_by_name(ctx: Ctx) -> dict[str, Row]:
    """Task statuses by lower-case name and short name (Zou matches either, any case)."""
    found = await rows.fetch_where(ctx.conn, TaskStatus, order_by=TaskStatus.name)
    by_name: dict[str, Row] = {}
    for status in found:
        for key in (status["name"], status["short_name"]):
            if key:
                by_name.setdefault(key.lower(), status)
    return by_name


# ==== persons ================================================================================
async def import_persons(ctx: Ctx, table: CsvTable, update: bool) -> list[dict[str, Any]]:
    """POST /import/csv/persons (admins): one person per row, matched by e-mail among people
    who are not bots; created without a password, updated only with ``update``. Labels or
    codes for Role, Contract Type, Position and Seniority; Studio and Departments by name.
    Creation goes through the person rules of ``POST /data/persons`` (the user limit, e-mail
    and country checks, ``person:new``); the answer is each person's safe form."""
    ctx.me.require_admin()
    table.check_columns(("First Name", "Last Name", "Email"), set(PERSON_COLUMNS))
    spec = spec_for_table("person")
    studios: dict[str, str | None] = {}
    departments: dict[str, str | None] = {}
    answer = []
    for row in table.rows:
        email = _email(row)
        values = await _person_values(ctx, row, studios)
        department_ids = await _department_ids(ctx, row, departments)
        if department_ids is not None:
            values["departments"] = department_ids
        person = await rows.first_where(
            ctx.conn, Person, func.lower(Person.email) == email, Person.is_bot.is_(False)
        )
        try:
            if person is None:
                item = await crud.create(ctx, spec, {"email": email, **values})
            elif update:
                _check_own_account(ctx, row, person, values)
                item = await crud.update(ctx, spec, person["id"], values)
            else:
                item = (await crud.serialize(ctx, spec, [person], view="create"))[0]
        except ApiError as error:
            raise rewrap(row, None, error) from None
        item.pop("departments", None)
        item.pop("access_token", None)
        answer.append(safe_form(item))
    return answer


def _check_own_account(ctx: Ctx, row: CsvRow, person: Row, values: dict[str, Any]) -> None:
    """A file does not lock its importer out: their own row may not demote nor deactivate them
    (Zou applies it; the admin then finds they are not one any more)."""
    if person["id"] != ctx.me.id:
        return
    if values.get("role", "admin") != "admin":
        raise row.error("Role", "this row would take away your own admin role")
    if values.get("active") is False:
        raise row.error("Active", "this row would deactivate your own account")


def _email(row: CsvRow) -> str:
    value = row.text("Email")
    if value is None:
        raise row.error("Email", "an e-mail is required")
    try:
        return normalize_email(value)
    except ApiError as error:
        raise rewrap(row, "Email", error) from None


async def _person_values(ctx: Ctx, row: CsvRow, studios: dict[str, str | None]) -> dict[str, Any]:
    first_name = row.text("First Name")
    if first_name is None:
        raise row.error("First Name", "cannot be empty")
    values: dict[str, Any] = {"first_name": first_name, "last_name": row.text("Last Name") or ""}
    choices = (
        ("Role", "role", ROLE_LABELS), ("Contract Type", "contract_type", CONTRACT_LABELS),
        ("Position", "position", POSITION_LABELS), ("Seniority", "seniority", SENIORITY_LABELS),
    )  # fmt: skip
    for column, key, labels in choices:
        value = row.text(column)
        if value is not None:
            values[key] = _choice(row, column, value, labels)
    country = row.text("Country")
    if country is not None:
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise row.error("Country", f"{country!r} is not an ISO 3166-1 alpha-2 code")
        values["country"] = country.upper()
    if row.text("Daily Salary") is not None:
        values["daily_salary"] = parse_int(row, "Daily Salary")
    studio_name = row.text("Studio")
    if studio_name is not None:
        if studio_name not in studios:
            found = await rows.first_where(ctx.conn, Studio, Studio.name == studio_name)
            studios[studio_name] = found["id"] if found else None
        if studios[studio_name] is None:
            raise row.error("Studio", f"no studio is named {studio_name!r}")
        values["studio_id"] = studios[studio_name]
    if row.get("Phone"):
        values["phone"] = row.get("Phone")
    active = row.text("Active")
    if active is not None:
        values["active"] = parse_bool(row, "Active", active)
    return values


def _choice(row: CsvRow, column: str, value: str, labels: dict[str, str]) -> str:
    folded = value.casefold()
    for code, label in labels.items():
        if folded in (code.casefold(), label.casefold()):
            return code
    accepted = ", ".join(f"{label} ({code})" for code, label in labels.items())
    raise row.error(column, f"{value!r} is not one of {accepted}")


async def _department_ids(ctx: Ctx, row: CsvRow, cache: dict[str, str | None]) -> list[str] | None:
    value = row.get("Departments")
    if not value:
        return None
    ids = []
    for name in [name.strip() for name in value.split(",") if name.strip()]:
        if name not in cache:
            found = await rows.first_where(ctx.conn, Department, Department.name == name)
            cache[name] = found["id"] if found else None
        if cache[name] is None:
            raise row.error("Departments", f"no department is named {name!r}")
        ids.append(cache[name])
    return ids
