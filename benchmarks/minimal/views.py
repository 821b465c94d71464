"""The floor a registration is compared with: a Django view doing only the conditional
UPDATE of a places counter and the INSERT of a registration row, in one transaction.

Served by the same gunicorn, settings and middleware as Tisser (its URL is added next to
Tisser's by `benchmarks.minimal.urls`), on tables of its own that the benchmark creates."""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLES = """
CREATE TABLE IF NOT EXISTS bench_minimal_counter (
    id integer PRIMARY KEY, capacity integer NOT NULL, taken integer NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS bench_minimal_registration (
    id bigserial PRIMARY KEY, counter_id integer NOT NULL, email varchar(254) NOT NULL UNIQUE,
    status varchar(20) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
"""


@csrf_exempt
@require_POST
def register(request):
    email = request.POST.get("email", "")
    if not email:
        return HttpResponse(status=400)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bench_minimal_counter SET taken = taken + 1 WHERE id = 1 AND taken < capacity"
        )
        status = "confirmed" if cursor.rowcount == 1 else "waitlisted"
        cursor.execute(
            "INSERT INTO bench_minimal_registration (counter_id, email, status) VALUES (1, %s, %s)",
            [email, status],
        )
    return HttpResponseRedirect("/agenda/")
