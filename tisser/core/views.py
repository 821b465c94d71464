from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .health import check_broker, check_database


def home(request):
    return render(request, "core/home.html")


@never_cache
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise.

    The task broker is reported too ("degraded" when unreachable), within half a second.
    """
    database_ok, database = check_database()
    if not database_ok:
        return JsonResponse({"status": "error", "database": database}, status=503)
    broker_ok, broker = check_broker()
    return JsonResponse(
        {
            "status": "degraded" if broker_ok is False else "ok",
            "database": database,
            "broker": {True: "ok", False: "unreachable", None: "not checked"}[broker_ok],
            "broker_detail": broker,
        }
    )
