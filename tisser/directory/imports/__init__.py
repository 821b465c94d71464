"""Import of organisations (and their contact person) from CSV or XLSX files.

Three steps, each in its own module: `reading` turns a file into numbered rows,
`checking` says for each row what would happen (create, update or an error with its line
number), `running` commits every row in one transaction in the background worker.
"""

from .checking import check_rows  # noqa: F401
from .columns import COLUMNS, template_csv, template_xlsx  # noqa: F401
from .reading import ImportFileError, read_table  # noqa: F401
from .running import check_import, confirm_import, run_import, start_import  # noqa: F401
