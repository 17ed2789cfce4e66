"""Where a benchmark keeps its figures: a JSON file in bench/results/ (git-ignored), the folder
whose tmp/ holds the temporary journals too."""

import json
import time
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def save(name: str, figures: Any, stamped: bool = False) -> Path:
    """Writes `figures` to bench/results/NAME.json, or to NAME-YYYYmmdd-HHMMSS.json when
    `stamped` (the earlier runs' files stay); the path written."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    suffix = time.strftime("-%Y%m%d-%H%M%S") if stamped else ""
    path = RESULTS_DIR / f"{name}{suffix}.json"
    path.write_text(json.dumps(figures, indent=2))
    return path
