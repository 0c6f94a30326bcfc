"""Publishing the course: a static website of the stored notebooks, and a lesson as slides.

- :mod:`mlkit.publish.assets` -- where the offline copies of MathJax and reveal.js come from;
- :mod:`mlkit.publish.site` -- ``mlkit site build``: the course as a Jupyter Book website;
- :mod:`mlkit.publish.slides` -- ``mlkit slides``: a lesson as reveal.js slides.

Both build from the stored, executed notebooks (nothing is run), download nothing, and
produce pages that ask no other host for anything. Importing this package is cheap.
"""
