"""Public pages of the agenda: the list, one event, its registration form."""

from django.http import Http404
from django.shortcuts import render

from . import queries


def agenda(request):
    events = queries.upcoming_public_events()
    return render(request, "events/agenda.html", {"events": events})


def event_detail(request, slug):
    event = queries.public_event(slug)
    if event is None:
        raise Http404
    return render(request, "events/event_detail.html", {"event": event})


def register(request, slug):
    raise Http404
