"""Unit 20 (reinforcement learning): mlkit.topics.reinforcement, its figure, and the exercise checks."""

import doctest

import gymnasium as gym
import numpy as np
import pytest

from mlkit.topics import reinforcement as rl
from mlkit.course.checks import exercises
from mlkit.errors import InputError

EX = exercises("reinforcement-learning")


# --- mlkit.topics.reinforcement -------------------------------------------------------------------


def test_docstring_examples():
    assert doctest.testmod(rl).failed == 0


def test_epsilon_greedy_action_exploits_at_zero_and_explores_at_one():
    rng = np.random.default_rng(0)
    estimates = np.array([0.1, 0.9, 0.5])
    assert {rl.epsilon_greedy_action(estimates, 0.0, rng) for _ in range(50)} == {1}
    assert {rl.epsilon_greedy_action(estimates, 1.0, rng) for _ in range(200)} == {0, 1, 2}


def test_ucb_scores_untried_arms_first_and_bonus_shrinks_with_pulls():
    scores = rl.ucb_scores([0.5, 0.5, 0.0], [1, 100, 0], t=101, c=1.0)
    assert np.isinf(scores[2]) and scores[0] > scores[1] > 0.5


def test_greedy_bandit_has_linear_regret_and_ucb_finds_the_best_arm():
    p = [0.2, 0.5, 0.8]
    greedy = rl.simulate_bandit(p, "epsilon-greedy", epsilon=0.0, steps=300, runs=50, seed=1)
    ucb = rl.simulate_bandit(p, "ucb", c=1.0, steps=300, runs=50, seed=1)
    assert ucb.regret[-1] < greedy.regret[-1]
    assert ucb.best_share[-50:].mean() > 0.8
    assert np.all(np.diff(greedy.regret) >= 0)
    assert greedy.pulls.sum() == pytest.approx(300)


def test_simulate_bandit_is_deterministic_for_a_seed():
    a = rl.simulate_bandit([0.3, 0.6], "epsilon-greedy", steps=50, runs=10, seed=4)
    b = rl.simulate_bandit([0.3, 0.6], "epsilon-greedy", steps=50, runs=10, seed=4)
    assert np.array_equal(a.regret, b.regret)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"probabilities": [0.5], "strategy": "ucb"}, "at least two"), ({"probabilities": [0.5, 0.2], "strategy": "x"}, "strategy")],
)
def test_simulate_bandit_rejects_bad_input(kwargs, match):
    with pytest.raises(InputError, match=match):
        rl.simulate_bandit(**kwargs)


def test_q_target_ignores_the_next_state_after_the_end():
    assert rl.q_target(-1.0, np.array([5.0, 7.0]), terminated=True, gamma=0.9) == -1.0
    assert rl.q_target(-1.0, np.array([5.0, 7.0]), terminated=False, gamma=0.5) == 2.5


def test_q_learning_finds_the_shortest_path_and_repeats_exactly():
    env = gym.make("CliffWalking-v1")
    first = rl.q_learning(env, episodes=300, seed=0)
    second = rl.q_learning(env, episodes=300, seed=0)
    assert np.array_equal(first.Q, second.Q)
    episode = rl.rollout(env, rl.greedy_policy(first.Q))
    assert episode.terminated and episode.total_reward == -13


def test_rollout_stops_a_policy_that_never_arrives():
    episode = rl.rollout(gym.make("CliffWalking-v1"), np.zeros(48, dtype=int), max_steps=30)
    assert not episode.terminated and len(episode.states) == 31


def test_moving_average():
    assert rl.moving_average([1, 2, 3, 4], 2).tolist() == [1.5, 2.5, 3.5]
    with pytest.raises(InputError):
        rl.moving_average([1, 2], 3)


def test_plot_policy_draws_one_label_per_cell():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlkit.plots.reinforcement import plot_policy

    fig, ax = plt.subplots()
    plot_policy(ax, np.ones(48, dtype=int), (4, 12), cliff=range(37, 47), start=36, goal=47, path=[36, 24])
    texts = [t.get_text() for t in ax.texts]
    plt.close(fig)
    assert len(texts) == 48 and texts.count("") == 10 and "G" in texts and "S→" in texts


def test_plot_policy_draws_the_grid_as_a_picture_with_cell_borders_and_no_style_grid():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlkit.plots.reinforcement import plot_policy

    with plt.rc_context({"axes.grid": True}):  # the house style of line plots draws a grid
        fig, ax = plt.subplots()
        plot_policy(ax, np.ones(48, dtype=int), (4, 12), cliff=range(37, 47), start=36, goal=47)
        fig.canvas.draw()
    gridlines = [line for line in ax.get_xgridlines() + ax.get_ygridlines() if line.get_visible()]
    borders = sum(len(collection.get_segments()) for collection in ax.collections)
    aspect, spines = ax.get_aspect(), [spine.get_visible() for spine in ax.spines.values()]
    plt.close(fig)
    assert not gridlines and borders == 3 + 11 and aspect == 1.0 and all(spines)


# --- particular messages of the exercise checks (every check is run on its solution, stub
# --- and wrong answers in test_exercises_discovered.py) ----------------------------------


def test_an_arm_out_of_range_is_named():
    outcome = EX.epsilon_greedy.evaluate(lambda estimates, epsilon, rng: 7)
    assert outcome.status == "incorrect" and "only 4 arms" in outcome.message


def test_a_policy_that_falls_is_told_so():
    outcome = EX.policy.evaluate(np.full(48, 2))  # always down: from the start, nowhere to go but stay
    assert outcome.status == "incorrect"
    outcome = EX.policy.evaluate(np.full(48, 1))  # always right: straight into the cliff
    assert "falls off the cliff" in outcome.message
