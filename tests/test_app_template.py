"""The app's page template (app/voila/templates/mlkit): its own script and style sheet, served locally.

The browser tests (tests/test_decision_app_browser.py) check what the script does; these
check, without a browser, that the page loads both files from the local server and that every
workbook class they rely on still exists in the widget.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "app" / "voila" / "templates" / "mlkit"
ASSETS = ("static/mlkit-app.js", "static/mlkit-app.css")


def test_the_page_includes_its_script_and_style_sheet_from_the_local_server():
    page = (TEMPLATE / "index.html.j2").read_text(encoding="utf-8")
    assert '{{ resources.include_js("static/mlkit-app.js") }}' in page
    assert '{{ resources.include_css("static/mlkit-app.css") }}' in page
    for asset in ASSETS:
        text = (TEMPLATE / asset).read_text(encoding="utf-8")
        assert not re.search(r"(https?:)?//[\w.-]+\.\w+/", text.replace("http://www.w3.org", "")), f"{asset} names another host"


def test_every_workbook_class_the_page_relies_on_exists_in_the_widget():
    widget = (ROOT / "mlkit" / "widgets" / "decision.py").read_text(encoding="utf-8")
    used = set()
    for asset in ASSETS:
        used |= set(re.findall(r"\.(mlkit-[a-z-]+)", (TEMPLATE / asset).read_text(encoding="utf-8")))
    used -= {"mlkit-results-first"}  # set by the script itself
    assert {"mlkit-main", "mlkit-inputs-column", "mlkit-results-column", "mlkit-chart", "mlkit-workbook"} <= used
    missing = sorted(name for name in used if f'"{name}"' not in widget and f"'{name}'" not in widget
                     and f"{name} " not in widget and f'{name}"' not in widget)
    assert not missing, f"the page's script or style sheet uses classes the workbook no longer sets: {missing}"
