"""Entry point of the frozen desktop app (see build.spec): the desktop shell, or the CLI when
arguments are given (``kitsu-local serve``, ``kitsu-local create-admin ...``)."""

import sys

if len(sys.argv) > 1 and sys.argv[1] not in ("--headless", "--port"):
    from kitsu_local.__main__ import run

    run()
else:
    from ui_shell.shell import main

    sys.exit(main())
