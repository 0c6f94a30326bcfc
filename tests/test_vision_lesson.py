"""Unit 22 (computer vision): what the stored lesson says and shows, for the points a review found and the
sections on receptive fields, 1 x 1 convolutions and equivariance (numbers in the prose are the claims
check's, in test_lesson_checks.py)."""

import json
import re
from pathlib import Path

import pytest

LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "22_computer_vision.ipynb"


@pytest.fixture(scope="module")
def cells():
    return json.loads(LESSON.read_text(encoding="utf-8"))["cells"]


def _text(cell):
    return "".join(cell["source"])


def _outputs(cells, cell_id):
    cell = next(c for c in cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell["outputs"])


def _sections(cells):
    return {int(m.group(1)): m.group(2) for c in cells if c["cell_type"] == "markdown"
            for m in re.finditer(r"^## (\d+)\. (.+)$", _text(c), re.M)}


def test_the_split_cell_points_to_the_section_that_reads_the_test_set(cells):
    split = next(_text(c) for c in cells if c["cell_type"] == "markdown" and "read only once, at the very end" in _text(c))
    number = int(re.search(r"at the very end\s*\(section (\d+)\)", split).group(1))
    assert _sections(cells)[number] == "The test set, once"


def test_the_objectives_name_the_layer_and_the_new_sections(cells):
    objectives = _text(cells[0])
    assert "convolutional layer's\n  forward pass (several channels and filters, stride, zero padding)" in objectives
    assert "receptive field" in objectives and "1 × 1 convolution" in objectives and "equivariance" in objectives


def test_the_augmentation_sentence_does_not_overclaim(cells):
    text = "".join(_text(c) for c in cells if c["cell_type"] == "markdown")
    assert "the variations it shows, and little more" not in text
    assert "augmentation helps most with the variations it shows" in text


def test_the_new_subsections_come_in_order_inside_section_8(cells):
    headings = [line for c in cells if c["cell_type"] == "markdown" for line in _text(c).splitlines()
                if line.startswith("#")]
    start = headings.index("## 8. Filters learned for classification")
    assert headings[start:start + 6] == [
        "## 8. Filters learned for classification",
        "### Several channels in, several maps out",
        "### Receptive field: how much of the image one output sees",
        "### A 1 × 1 convolution mixes channels, pixel by pixel",
        "### Equivariance in the maps, invariance after pooling",
        "### Where this network stands",
    ]


def test_the_receptive_field_is_computed_and_confirmed_by_perturbation(cells):
    fields = _outputs(cells, "rf-2")
    assert "(our network): field 4 x 4 pixels, neighbouring outputs 2 pixel(s) apart" in fields
    assert "another conv 3x3: field 8 x 8 pixels" in fields and "building block): field 5 x 5 pixels" in fields
    check = _outputs(cells, "rf-4")
    assert "the ones the formula predicts: True" in check
    block = check.split("pooled value (1, 1):\n")[1]
    rows = [line.strip(" []") for line in block.strip().splitlines()]
    assert rows[:2] == ["0 0 0 0 0 0 0 0"] * 2 and rows[2:6] == ["0 0 1 1 1 1 0 0"] * 4
    assert rows[6:] == ["0 0 0 0 0 0 0 0"] * 2


def test_a_1x1_convolution_is_shown_equal_to_a_matrix_product(cells):
    out = _outputs(cells, "one-2")
    assert "output (6, 6, 3); equal to the matrix product: True" in out
    assert "weights: 12 for the 1 x 1 layer, 108 for a 3 x 3 layer" in out


def test_the_maps_move_with_the_digit_and_pooling_absorbs_part_of_it(cells):
    out = _outputs(cells, "eq-2")
    assert "equal to the original maps moved one column right: True; equal to the original maps: False" in out
    unchanged = float(re.search(r"2x2 pooled maps: ([\d.]+) of the values unchanged", out).group(1))
    assert 0 < unchanged < 1
    assert "unchanged for 8 of the 8 filters" in out


def test_the_section_8_helpers_feed_the_network_its_own_input_scale(cells):
    helpers = next(_text(c) for c in cells if c.get("id") == "rf-4")
    assert "def filter_maps(image)" in helpers and "def pooled_maps(image)" in helpers
    assert "image[:, :, np.newaxis] / 16, conv_weights" in helpers  # the network reads grey levels / 16
    assert "return filter_maps(image)" in helpers  # the pooled maps are built on the same maps


def test_the_global_max_claim_is_given_for_this_digit_and_counted_over_validation_digits(cells):
    out = _outputs(cells, "eq-2")
    counts = re.search(r"keeping all 8 largest values: (\d+) of (\d+); "
                       r"of the (\d+) with no ink in the last column, (\d+)", out)
    kept, total, blank, blank_kept = map(int, counts.groups())
    assert blank_kept < blank <= total and kept < total  # an empty last column is not enough
    prose = next(_text(c) for c in cells if c["cell_type"] == "markdown" and "equivariant, not invariant" in _text(c))
    assert "since\nno stroke of the digit left the image" not in prose
    assert f"{kept} of the {total} validation digits keep all 8" in prose
    assert f"of the {blank} with no\nink in the last column only {blank_kept} do" in prose
    assert "neither border column" in prose
