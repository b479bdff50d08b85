"""Tests of report/charts/, one module per chart module; inputs.py and reading.py are their shared data and
SVG readers."""
