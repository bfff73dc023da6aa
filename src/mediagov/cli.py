"""The `mediagov` console script: a thin wrapper over Django's management commands.

`mediagov import …` and `mediagov export …` map to the commands `import_data` / `export_data`
(`import` is a Python keyword); every other word is the management command of the same name.
"""

import os
import sys

ALIASES = {"import": "import_data", "export": "export_data"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    argv[0] = "mediagov"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
