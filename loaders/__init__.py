"""Loaders: mapping specs (one YAML per source layout) and the engine that applies them.

>>> from loaders import load_spec
>>> load_spec("calls").relationships[0].key
['call_id']

* :mod:`loaders.spec`: the spec format, checked against :mod:`graph_tool.model`;
* :mod:`loaders.readers`: streaming readers (CSV, XLSX, JSON, JSON lines, FtM, adjacency);
* :mod:`loaders.mapping`: a row to node and relationship records (normalise, validate);
* :mod:`loaders.formats`: FollowTheMoney streams and node/edge CSVs, mapped in code;
* :mod:`loaders.engine`: batches, reference checks, conflicts, writes, checkpoints;
* :mod:`loaders.report`: the load report and the rejected-rows file;
* :mod:`loaders.case`: a whole case folder in the right order.
"""

from __future__ import annotations

from loaders.case import load_case
from loaders.engine import LoadInterrupted, load_files
from loaders.report import LoadReport
from loaders.spec import Spec, SpecError, builtin_specs, load_spec

__all__ = [
    "LoadInterrupted",
    "LoadReport",
    "Spec",
    "SpecError",
    "builtin_specs",
    "load_case",
    "load_files",
    "load_spec",
]
