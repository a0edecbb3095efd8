"""Accessibility checks in the browser tests: axe-core (vendored) on the page as it stands."""

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def violations(page) -> list[str]:
    """The serious and critical WCAG 2 A/AA violations axe finds on `page`, one line each."""
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
