"""Sub-commands of the ``mlkit`` command, one module each."""
