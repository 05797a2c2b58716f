"""``python -m kitsu_local`` and the ``kitsu-local`` command.

The cyclic garbage collector is off while the program loads: importing the API builds some
hundred thousand objects, none of them garbage, and the collections it would run meanwhile
cost about a quarter of a second of every start. ``serve`` turns it back on once the server
is up (and freezes what start-up made, so later collections skip it); every other command as
it begins (``cli.main``).
"""

import gc


def run() -> None:
    gc.disable()
    from .cli import main

    main()


if __name__ == "__main__":
    run()
