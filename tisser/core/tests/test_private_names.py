"""The `make lint` check that no module uses another module's private names: it finds
each way of doing it, ignores what is not one, and the project passes it."""

import textwrap

from tisser.core import private_names
from tisser.core.private_names import uses_in_source


def found(source: str, path: str = "tisser/events/checkin.py") -> list[str]:
    return [f"{u.module}.{u.name}" for u in uses_in_source(textwrap.dedent(source), path)]


def test_a_private_name_imported_from_another_module_is_found():
    assert found("from tisser.events.services import _notify, register") == [
        "tisser.events.services._notify"
    ]
    assert found("from .services import _notify as notify") == ["tisser.events.services._notify"]
    assert found("from ..directory.services import _x") == ["tisser.directory.services._x"]
    assert found("from tisser.events import _private_module") == ["tisser.events._private_module"]


def test_a_private_function_reached_through_a_module_is_found():
    source = """
        from . import services
        from tisser.directory.contacts import services_claims as claims
        import tisser.governance.services as governance

        def view():
            services._take_places(1)
            claims._check_open(2)
            governance.in_language("fr", "x")
            return governance._site("/")
    """
    assert found(source, "tisser/events/registration/changes.py") == [
        "tisser.events.registration.services._take_places",
        "tisser.directory.contacts.services_claims._check_open",
        "tisser.governance.services._site",
    ]


def test_what_is_not_another_modules_private_name_is_left_alone():
    source = """
        from django.db.models import _private_of_django
        from tisser.directory.models import Organisation
        from .models import Event

        def _mine():
            return Organisation._meta.db_table, Event._meta, self._cache

        from . import services
        services.register(_mine())
        __all__ = ["x"]
        from tisser.events.services import __doc__
    """
    assert found(source) == []
    # A module's own private names, reached by its own full name, are its business.
    assert found("from tisser.events.checkin import _helper") == []


def test_the_project_passes_and_the_allow_list_only_names_what_is_still_there():
    wrong, stale = private_names.check()
    assert wrong == [], "\n".join(map(str, wrong))
    assert stale == []
    assert all(
        key.split(":")[0].startswith(("tisser/events/services", "tisser/events/api.py"))
        or key.startswith("tisser/directory/api.py")
        for key in private_names.ALLOWED
    )
