"""Named points where fault tests make the code pause, so a worker can be killed mid-step.

`TANHUI_FAILPOINTS="settlement.chunk=2.5,settlement.post=4"` makes `pause("settlement.chunk")`
sleep 2.5 s. Unset (always, outside fault tests) a pause costs one dictionary lookup.
"""

import os
import time


def _parse(text: str) -> dict[str, float]:
    points = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, seconds = item.partition("=")
        points[name.strip()] = float(seconds or 0)
    return points


POINTS = _parse(os.environ.get("TANHUI_FAILPOINTS", ""))


def pause(name: str) -> None:
    seconds = POINTS.get(name)
    if seconds:
        time.sleep(seconds)
