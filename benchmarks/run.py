"""Run one benchmark (`make bench NAME=map`) or all of them (`make bench`)."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Modules the benchmarks import, not benchmarks themselves.
HELPERS = {"contacts_data", "registrations_rush", "registrations_serve"}


def main(argv: list[str]) -> int:
    # The multi-host rehearsal needs root and makes network namespaces: only when named.
    names = [a for a in argv if a] or sorted(
        p.stem for p in HERE.glob("*.py") if p.stem not in {"run", "common", "cluster", *HELPERS}
    )
    for name in names:
        script = HERE / f"{name}.py"
        if name in HELPERS or not script.exists():
            print(f"no benchmark named {name!r}", file=sys.stderr)
            return 2
        print(f"== benchmark {name} ==")
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
