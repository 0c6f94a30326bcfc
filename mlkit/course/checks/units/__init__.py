"""One module per curriculum unit, holding that unit's exercises (``EXERCISES``)."""
