"""Helpers that the lessons call for their topic, one module per topic (vision, neural networks,
text, routing, reinforcement learning, optimisation, data collection, data quality, the capstone,
timing).

They compute and return values; they import only the data sets and the package's ground floor
(``mlkit.errors``, ``mlkit.paths``, ``mlkit.files``), never the course machinery, figures,
widgets or commands.
"""
