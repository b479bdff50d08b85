"""The model layer: what an observation, an indicator, a unit and a period are. Imports nothing else."""
from .catalog import Catalog, Indicator, load_catalog
from .fx import FxRate, FxTable
from .numbers import parse_number
from .observation import DIMENSIONS, QUALIFIERS, STATUSES, Period, parse_period
from .text import normalise
from .units import Unit, parse_unit

__all__ = [
           "DIMENSIONS",
           "QUALIFIERS",
           "STATUSES",
           "Catalog",
           "FxRate",
           "FxTable",
           "Indicator",
           "Period",
           "Unit",
           "load_catalog",
           "normalise",
           "parse_number",
           "parse_period",
           "parse_unit",
]
