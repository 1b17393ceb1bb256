"""The compact table of a comparison fits the screen whatever the number of models."""

from __future__ import annotations

import pytest

from msq.compare_types import DiffColumn, DiffRow, TableEvent
from msq.render.compare_screen import compact_table


def _table(n: int) -> TableEvent:
    cols = [DiffColumn(f"proj{i}/train_model_{i}", i % 2, f"/x/proj{i}/t.py") for i in range(n)]
    vals = [f"diffusion, unet {i}" for i in range(n)]
    rows = [
        DiffRow("arch_family", "Architecture", vals, vals, True, []),
        DiffRow("learning_rate", "Learning rate", [f"{i}e-4" for i in range(n)], [], True, []),
    ]
    return TableEvent(cols, rows, cols[0].model_id)


@pytest.mark.parametrize("n", [2, 5, 9, 14])
def test_every_line_fits_and_hidden_models_are_counted(n: int) -> None:
    lines = compact_table(_table(n), 100)
    assert all(len(ln) <= 100 for ln in lines), lines
    shown = len(lines[1].split())
    assert len(lines) == 4  # title, heads, two rows
    if shown < n:
        assert f"({n - shown} more models: --full)" in lines[0]
    else:
        assert "more models" not in lines[0]
