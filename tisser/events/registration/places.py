"""Place counters of events, sessions and workshops, taken and released atomically."""

from __future__ import annotations

from django.db import connections, router, transaction
from django.db.models import F

from tisser.core.compiled import hot_cursor
from tisser.core.upsert import (
    insert_head,
    insert_returning,
    insert_rows,
    prepared_insert,
    upsert_sql,
)
from tisser.events.models import Answer, Event, Registration, Session, Workshop, WorkshopChoice


def counted_sessions(event: Event, session: Session | None) -> list[Session]:
    if session is not None:
        return [session]
    return sorted(event.sessions_list, key=lambda s: s.pk)


#: The SQL of the counters' UPDATEs, by shape.
_SQL: dict[tuple, str] = {}
#: The one-statement registrations, by shape: their SQL, how their parameters are laid
#: out, and the fields the statement stamps.
_PLANS: dict[tuple, tuple[str, list[str], list]] = {}


def _counter_update(connection, model, limit: str) -> str:
    """`UPDATE … SET taken = taken + 1 WHERE id = %s AND (limit IS NULL OR taken < limit)`,
    written out once per process: the ORM would compile it anew at every registration,
    for more CPU than the database spends running it."""
    key = ("counter", connection.alias, model, limit)
    sql = _SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        opts = model._meta
        table, pk_column = quote(opts.db_table), quote(opts.pk.column)
        taken, limit = quote(opts.get_field("taken").column), quote(opts.get_field(limit).column)
        sql = _SQL[key] = (
            f"UPDATE {table} SET {taken} = {taken} + 1 WHERE {pk_column} = %s "
            f"AND ({limit} IS NULL OR {taken} < {limit})"
        )
    return sql


def _take_one(model, pk: int, limit: str) -> bool:
    connection = connections[router.db_for_write(model)]
    with hot_cursor(connection.alias) as cursor:
        cursor.execute(_counter_update(connection, model, limit), [pk])
        return cursor.rowcount == 1


def place_counters(event: Event, sessions: list[Session], workshops: list[Workshop]) -> list:
    """The counters a registration takes a place on, in the order they are locked:
    (model, primary key, the field of its limit)."""
    counters = []
    if event.max_participants is not None:
        counters.append((Event, event.pk, "max_participants"))
    counters += [(Session, s.pk, "capacity") for s in sessions]
    counters += [(Workshop, w.pk, "capacity") for w in sorted(workshops, key=lambda w: w.pk)]
    return counters


def take_places(event: Event, sessions: list[Session], workshops: list[Workshop]) -> bool:
    """Take one place on every counter, or none; False when one is full."""
    return _take_counters(place_counters(event, sessions, workshops))


def _take_counters(counters: list) -> bool:
    """Several counters are taken in a savepoint, rolled back if one of them is full; a
    single counter needs none (its one conditional UPDATE either happens or not)."""
    if len(counters) == 1:
        return _take_one(*counters[0])
    with transaction.atomic():
        took = all(_take_one(*counter) for counter in counters)
        transaction.set_rollback(not took)
    return took


def take_place_and_insert(
    registration: Registration,
    counters: list,
    workshops: list[Workshop],
    answers: list[Answer],
    *,
    if_full: str | None,
    along: tuple | None = None,
) -> tuple[bool, bool, tuple | None]:
    """Take a place on every counter and insert `registration` confirmed, with its
    workshops and answers; the place full, insert it with the status `if_full` instead
    (None: insert nothing). A registration its unique constraints refuse (already
    registered) is not inserted either: the caller rolls the place back by raising.

    `along`: another upsert written with it, `(instance, upsert_sql's keywords)` (the
    claim of a link to the organisation named), whatever becomes of the registration.

    Returns (the place was taken, the registration was inserted, the row `along`'s
    upsert returned). `registration` then has its status (and its pending email, if one
    was marked) and its primary key.

    On PostgreSQL, a single counter and no workshop (a plain event) take one statement
    for all of it: a data-modifying `WITH` (two or three round trips less)."""
    connection = connections[router.db_for_write(Registration)]
    if connection.vendor == "postgresql" and len(counters) == 1 and not workshops:
        return _one_statement(connection, registration, counters[0], answers, if_full, along)
    along_row = insert_returning(along[0], **along[1]) if along else None
    took = _take_counters(counters)
    if not took:
        if if_full is None:
            return False, False, along_row
        _set_status(registration, if_full)
    if insert_returning(registration) is None:
        return took, False, along_row
    insert_choices(registration, workshops, answers)
    return took, True, along_row


def insert_choices(registration: Registration, workshops: list[Workshop], answers: list[Answer]):
    """The registration's workshops and its answers (rows not yet tied to it), each kind
    in one INSERT (none when there are none)."""
    insert_rows([WorkshopChoice(registration=registration, workshop=w) for w in workshops])
    for answer in answers:
        answer.registration = registration
    insert_rows(answers)


def _set_status(registration: Registration, status: str) -> None:
    """The status decided, and the pending email with it (if one was marked)."""
    registration.status = status
    if registration.notice_pending:
        registration.notice_pending = status


def _one_statement(
    connection, registration, counter, answers, if_full, along
) -> tuple[bool, bool, tuple | None]:
    """The counter's UPDATE, the registration's INSERT … ON CONFLICT DO NOTHING, the
    answers' INSERT (and `along`'s upsert) in one `WITH`: the row's status (and pending
    email) follow whether the UPDATE took the place. Every value is cast to its column's
    type (server-side parameters in a SELECT list have none)."""
    model, pk, limit = counter
    fields, values = prepared_insert(registration, connection)
    along_sql, along_params = upsert_sql(along[0], **along[1]) if along else ("", [])
    key = (connection.alias, model, limit, len(fields), len(answers), along_sql)
    plan = _PLANS.get(key)
    if plan is None:
        answer_fields = [f for f in Answer._meta.local_concrete_fields if not f.primary_key]
        plan = _PLANS[key] = (
            _one_statement_sql(connection, counter, fields, answer_fields, answers, along_sql),
            # Per field: "" (stamped by the statement), "value", or the attname whose
            # value depends on whether the place was taken (its value, then otherwise).
            [
                "" if _stamped(f) else f.attname if f.attname in _DECIDED else "value"
                for f in fields
            ],
            [f for f in fields if _stamped(f)],
        )
    sql, kinds, stamped = plan
    otherwise = {
        "status": if_full or "",
        "notice_pending": (if_full or "") if registration.notice_pending else "",
    }
    params = [pk]
    for kind, value in zip(kinds, values, strict=True):
        if kind == "value":
            params.append(value)
        elif kind:
            params += [value, otherwise[kind]]
    params.append(if_full is not None)
    for answer in answers:
        _fields, answer_values = prepared_insert(answer, connection)
        params += [
            value
            for field, value in zip(_fields, answer_values, strict=True)
            if field.attname != "registration_id"
        ]
    params += along_params
    with hot_cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        took, inserted, *rest = cursor.fetchone()
    if not took and if_full is not None:
        _set_status(registration, if_full)
    if inserted is not None:
        registration.pk = inserted
        registration._state.adding = False
        registration._state.db = connection.alias
        for field, stamp in zip(stamped, rest, strict=False):
            setattr(registration, field.attname, stamp)
    return took, inserted is not None, tuple(rest[len(stamped) :]) if along else None


#: The registration's columns written one way if the place is taken, another if not.
_DECIDED = ("status", "notice_pending")


def _stamped(field) -> bool:
    """A date the statement writes itself (`auto_now`, `auto_now_add`): the moment the
    row is written, after the place's lock, so that the registrations' order (the waiting
    list's) is the order their places were decided in."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _one_statement_sql(connection, counter, fields, answer_fields, answers, along_sql) -> str:
    model, _pk, limit = counter
    quote = connection.ops.quote_name
    took = "EXISTS (SELECT FROM took)"
    columns = []
    for field in fields:
        cast = field.db_type(connection)
        if _stamped(field):
            columns.append("clock_timestamp()")
        elif field.attname in _DECIDED:
            columns.append(f"CASE WHEN {took} THEN %s::{cast} ELSE %s::{cast} END")
        else:
            columns.append(f"%s::{cast}")
    pk = quote(Registration._meta.pk.column)
    read = [pk] + [quote(f.column) for f in fields if _stamped(f)]
    sql = (
        f"WITH took AS ({_counter_update(connection, model, limit)} RETURNING 1), "
        f"inserted AS ({insert_head(connection, Registration._meta.db_table, fields)} "
        f"SELECT {', '.join(columns)} WHERE {took} OR %s "
        f"ON CONFLICT DO NOTHING RETURNING {', '.join(read)})"
    )
    if answers:
        given = [f for f in answer_fields if f.attname != "registration_id"]
        row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in given) + ")"
        names = ", ".join(f"v{n}" for n in range(len(given)))
        selected = ", ".join(
            f"inserted.{pk}" if f.attname == "registration_id" else f"v{given.index(f)}"
            for f in answer_fields
        )
        sql += (
            f", answers AS ({insert_head(connection, Answer._meta.db_table, answer_fields)} "
            f"SELECT {selected} FROM inserted, (VALUES {', '.join([row] * len(answers))}) "
            f"AS v({names}))"
        )
    select = f" SELECT {took}, " + ", ".join(f"(SELECT {c} FROM inserted)" for c in read)
    if along_sql:
        return f"{sql}, along AS ({along_sql}){select}, along.* FROM along"
    return sql + select


def release_places(registration: Registration) -> None:
    event = registration.event
    if event.max_participants is not None:
        Event.objects.filter(pk=event.pk, taken__gt=0).update(taken=F("taken") - 1)
    for session in counted_sessions(event, registration.session):
        Session.objects.filter(pk=session.pk, taken__gt=0).update(taken=F("taken") - 1)
    workshop_ids = sorted(registration.workshop_choices.values_list("workshop_id", flat=True))
    for pk in workshop_ids:
        Workshop.objects.filter(pk=pk, taken__gt=0).update(taken=F("taken") - 1)


def chosen_workshops(registration: Registration) -> list[Workshop]:
    return [c.workshop for c in registration.workshop_choices.select_related("workshop")]


def take_places_partial(sessions: list[Session], workshops: list[Workshop]) -> bool:
    counters = [(Session, s.pk, "capacity") for s in sorted(sessions, key=lambda s: s.pk)]
    counters += [(Workshop, w.pk, "capacity") for w in sorted(workshops, key=lambda w: w.pk)]
    return _take_counters(counters)
