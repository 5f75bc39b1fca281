"""The Arrow type of each model property type: how a column travels as an Arrow table or a
Parquet file (the column-wise loader, and the embedded store's COPYs)."""

from __future__ import annotations

import pyarrow as pa

from graph_tool.model import PropType

ARROW_TYPES: dict[PropType, pa.DataType] = {
    PropType.STRING: pa.string(),
    PropType.DATE: pa.string(),  # partial dates (YYYY, YYYY-MM) are allowed, so text
    PropType.DATETIME: pa.string(),
    PropType.INT: pa.int64(),
    PropType.FLOAT: pa.float64(),
    PropType.BOOL: pa.bool_(),
    PropType.STRING_LIST: pa.list_(pa.string()),
}
