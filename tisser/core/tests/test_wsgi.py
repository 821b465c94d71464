"""The web process as gunicorn loads it (`tisser.wsgi`)."""

import subprocess
import sys


def test_the_web_process_sets_aside_what_it_loaded_from_the_collector():
    """`tisser.wsgi` loads the URLs and freezes what is alive: full collections no longer
    walk the code and settings of the process."""
    code = (
        "import gc, sys; import tisser.wsgi; "
        "print(gc.get_freeze_count(), 'tisser.events.views' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert int(out[0]) > 10_000 and out[1] == "True"
