"""Import of organisations (and their contact person) from CSV or XLSX files.

The directory declares its columns (`columns`), its row check (`checking`: for each row,
create, update or an error with its line number) and its writer (`running`); the core
import engine reads the file, previews, confirms and commits in batches.
"""

from tisser.core.imports.reading import ImportFileError  # noqa: F401

from .columns import COLUMNS, template_csv, template_xlsx  # noqa: F401
from .running import KIND, confirm_import, start_import  # noqa: F401
