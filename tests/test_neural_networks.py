"""Unit 18 (neural networks): the NumPy module mlkit.topics.neural, and the exercise checks."""

import doctest

import numpy as np
import pytest

from mlkit.topics import neural
from mlkit.course.checks import exercises
from mlkit.errors import InputError

EX = exercises("neural-networks")


# --- mlkit.topics.neural ---------------------------------------------------------------------


def test_docstring_examples():
    assert doctest.testmod(neural).failed == 0


def test_perceptron_separates_and_but_not_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert neural.train_perceptron(X, np.array([0, 0, 0, 1]), epochs=10).mistakes[-1] == 0
    assert min(neural.train_perceptron(X, np.array([0, 1, 1, 0]), epochs=50).mistakes) > 0


def test_perceptron_rejects_labels_other_than_0_and_1():
    with pytest.raises(InputError, match="labels 0 and 1"):
        neural.train_perceptron(np.zeros((3, 2)), np.array([0, 1, 2]))


def test_softmax_rows_sum_to_one_and_do_not_overflow():
    probs = neural.softmax(np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]]))
    assert np.allclose(probs, [[0.5, 0.5], [0.25, 0.75]])


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_backpropagation_agrees_with_central_differences(l2):
    rng = np.random.default_rng(3)
    params = neural.init_params(4, 5, 3, seed=3)
    params["b1"] = rng.normal(size=5)
    errors = neural.gradient_check(params, rng.normal(size=(7, 4)), rng.integers(0, 3, 7), l2=l2)
    assert max(errors.values()) < 1e-6


def test_relative_error_of_equal_and_of_zero_arrays():
    assert neural.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert neural.relative_error([0.0], [0.0]) == 0.0
    assert neural.relative_error([1.0], [-1.0]) == 1.0


def test_training_lowers_the_loss_and_records_every_step_asked():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR-like: needs the hidden layer
    run = neural.train(X, y, n_hidden=16, steps=200, record_every=50, seed=0)
    assert run.steps == [0, 50, 100, 150, 200]
    assert run.train_loss[-1] < 0.5 * run.train_loss[0]
    assert run.train_accuracy[-1] > 0.9
    assert run.val_loss == []


def test_training_is_deterministic():
    X = np.random.default_rng(1).normal(size=(20, 3))
    y = np.arange(20) % 2
    a = neural.train(X, y, steps=20, seed=5)
    b = neural.train(X, y, steps=20, seed=5)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in neural.PARAM_NAMES)


def test_l2_penalty_shrinks_the_weights():
    X = np.random.default_rng(2).normal(size=(30, 3))
    y = np.arange(30) % 3
    free = neural.train(X, y, steps=300, seed=0).params
    penalised = neural.train(X, y, steps=300, seed=0, l2=0.1).params
    assert np.sum(penalised["W1"] ** 2) < np.sum(free["W1"] ** 2)


def test_training_rejects_a_bad_learning_rate():
    with pytest.raises(InputError, match="learning_rate"):
        neural.train(np.zeros((2, 2)), np.array([0, 1]), learning_rate=0)


# --- particular messages of the exercise checks (every check is run on its solution, stub
# --- and wrong answers in test_exercises_discovered.py) ----------------------------------


def test_specific_messages_name_the_mistake():
    ex = EX
    no_relu = ex.forward.wrong_answers[0]()
    assert "ReLU" in ex.forward.evaluate(*no_relu.args).message
    overflow = [b for b in ex.forward.wrong_answers if b.__name__ == "forward_softmax_overflows"][0]()
    assert "overflow" in ex.forward.evaluate(*overflow.args).message
    unmasked = ex.backprop.wrong_answers[0]()
    assert "ReLU" in ex.backprop.evaluate(*unmasked.args).message
    summed = ex.backprop.wrong_answers[1]()
    assert "mean" in ex.backprop.evaluate(*summed.args).message


def test_a_function_raising_is_reported_as_an_error():
    outcome = EX.forward.evaluate(lambda params, X: 1 / 0)
    assert outcome.status == "error" and "ZeroDivisionError" in outcome.message


# --- exercise 4 chooses on validation images, never on the test images ----------------------


def test_the_validation_images_are_training_images_and_none_is_a_test_image():
    from mlkit.course.checks.units import neural_networks as unit

    X_fit, X_val, y_fit, y_val = unit._validation_split()
    X_train, X_test, _, _ = unit._split()
    assert len(X_fit) == unit.FIT_SIZE and len(X_fit) + len(X_val) == len(X_train)
    test_rows = {row.tobytes() for row in X_test}
    fit_rows = {row.tobytes() for row in X_fit}
    assert not any(row.tobytes() in test_rows or row.tobytes() in fit_rows for row in X_val)


def test_a_step_chosen_on_the_test_images_is_refused_naming_them():
    from mlkit.course.checks.units import neural_networks as unit

    runs = unit._l2_runs()
    on_test = unit._best_step(unit._plain_run_judged_on_test())
    assert on_test != unit._best_step(runs[0.0])
    best_l2 = min(runs, key=lambda l2: runs[l2].val_loss[-1])
    outcome = EX.regularisation.evaluate(best_l2, on_test)
    assert outcome.status == "incorrect" and "*test* images" in outcome.message


def test_the_steps_and_strength_chosen_on_validation_images_pass():
    from mlkit.course.checks.units import neural_networks as unit

    runs = unit._l2_runs()
    best_l2 = min(runs, key=lambda l2: runs[l2].val_loss[-1])
    assert EX.regularisation.evaluate(best_l2, unit._best_step(runs[0.0])).status == "passed"
