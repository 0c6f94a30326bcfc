"""The course machinery: the catalogue of units, exercise checks, the authoring of exercise
notebooks, the learner's progress and workspace, notebook storage and settings, and the
helpers that start JupyterLab, check an installation and plan a workshop.

It may import the topics' helpers and the data sets (checks run them), never the figures,
widgets or commands.
"""
