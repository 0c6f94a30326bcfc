"""Data sets the notebooks use, one module each; nothing is downloaded."""
