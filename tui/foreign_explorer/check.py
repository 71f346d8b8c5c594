"""The old home of the sample, kept for the explorer's import of it (ui/app.py).

The check command lives in `commands/check.py`, every input in `commands/inputs.py`; this
module only re-exports what the explorer still imports from here.
"""

from foreign_explorer.commands.inputs import SAMPLE_NAME, sample_bytes

__all__ = ["SAMPLE_NAME", "sample_bytes"]
