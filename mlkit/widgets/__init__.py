"""ipywidgets apps for the notebooks: they wire controls to core functions and plots, and compute nothing themselves."""
