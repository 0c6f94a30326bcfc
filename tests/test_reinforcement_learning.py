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


def test_argmax_random_shares_ties_evenly_where_np_argmax_takes_the_first():
    rng = np.random.default_rng(0)
    values = np.array([0.5, 2.0, 2.0, 1.0, 2.0 - 1e-12])   # round-off below atol is a tie too
    counts = np.bincount([rl.argmax_random(values, rng) for _ in range(3000)], minlength=5)
    assert counts[0] == counts[3] == 0
    assert all(abs(n / 3000 - 1 / 3) < 0.05 for n in counts[[1, 2, 4]])
    assert int(np.argmax(values)) == 1


def test_argmax_random_works_row_by_row():
    rng = np.random.default_rng(1)
    rows = np.array([[0.0, 0.0], [1.0, 3.0], [5.0, 4.0]])
    picks = np.array([rl.argmax_random(rows, rng) for _ in range(200)])
    assert picks.shape == (200, 3)
    assert set(picks[:, 0]) == {0, 1} and set(picks[:, 1]) == {1} and set(picks[:, 2]) == {0}


def test_first_index_ties_lock_the_greedy_bandit_onto_arm_zero():
    first = rl.simulate_bandit([0.2, 0.5, 0.8], "epsilon-greedy", epsilon=0.0, steps=200, runs=40, seed=2, ties="first")
    fair = rl.simulate_bandit([0.2, 0.5, 0.8], "epsilon-greedy", epsilon=0.0, steps=200, runs=40, seed=2)
    assert first.pulls[0] == pytest.approx(200) and fair.pulls[0] < 150
    with pytest.raises(InputError, match="ties"):
        rl.simulate_bandit([0.2, 0.5], "ucb", ties="last")


# --- Markov decision processes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def cliff():
    return rl.mdp_from_env(gym.make("CliffWalking-v1"))


@pytest.fixture(scope="module")
def lake():
    return rl.mdp_from_env(gym.make("FrozenLake-v1"))


def test_mdp_from_env_reads_the_model_and_adds_moves_to_the_same_state(cliff, lake):
    assert cliff.probabilities.shape == (48, 4, 48) and cliff.start == 36
    assert cliff.rewards[36, 1, 36] == -100 and cliff.ends[35, 2, 47]
    assert np.allclose(lake.probabilities.sum(axis=2), 1)
    # in the top-left corner, "left" slides left (a wall: stay), down, or up (a wall: stay)
    assert lake.probabilities[0, 0, 0] == pytest.approx(2 / 3) and lake.probabilities[0, 0, 4] == pytest.approx(1 / 3)
    assert lake.expected_reward[14, 2] == pytest.approx(1 / 3)
    assert lake.continuing[14, 2, 15] == 0


def test_mdp_from_env_refuses_an_environment_without_a_model():
    with pytest.raises(InputError, match="no model"):
        rl.mdp_from_env(gym.make("CartPole-v1"))


def test_policy_evaluation_matches_the_linear_solve(lake):
    gamma = 0.9
    pi = np.full((16, 4), 0.25)
    values = rl.policy_evaluation(lake, pi, gamma).V
    R_pi = (pi * lake.expected_reward).sum(axis=1)
    T_pi = np.einsum("sa,sat->st", pi, lake.continuing)
    assert np.allclose(values, np.linalg.solve(np.eye(16) - gamma * T_pi, R_pi), atol=1e-7)


def test_value_iteration_gives_minus_the_distance_on_the_cliff_and_satisfies_bellman(cliff, lake):
    optimal = rl.value_iteration(cliff, 1.0)
    assert optimal.V[36] == -13 and optimal.V[0] == -14
    for mdp, gamma in ((cliff, 1.0), (lake, 0.95)):
        result = rl.value_iteration(mdp, gamma)
        assert np.allclose(result.V, rl.action_values(mdp, result.V, gamma).max(axis=1), atol=1e-7)
        assert np.allclose(rl.policy_evaluation(mdp, result.policy, gamma).V, result.V, atol=1e-6)


def test_value_iteration_of_a_policy_that_never_ends_is_refused(cliff):
    with pytest.raises(InputError, match="did not settle"):
        rl.policy_evaluation(cliff, np.zeros(48, dtype=int), 1.0, max_sweeps=200)   # "up" for ever
    with pytest.raises(InputError, match="gamma"):
        rl.value_iteration(cliff, 1.5)


def test_policy_iteration_reaches_the_optimal_values_of_value_iteration(cliff, lake):
    for mdp, gamma in ((cliff, 1.0), (cliff, 0.9), (lake, 0.95)):
        iteration = rl.policy_iteration(mdp, gamma)
        optimal = rl.value_iteration(mdp, gamma, tol=1e-12)
        assert np.allclose(iteration.V, optimal.V, atol=1e-8)
        Q = rl.action_values(mdp, optimal.V, gamma)
        assert np.all(Q[np.arange(mdp.n_states), iteration.policy] >= optimal.V - 1e-8)
        assert iteration.changed[-1] == 0 and np.all(iteration.changed[:-1] > 0)
        assert iteration.evaluations < len(optimal.changes)


def test_policy_iteration_keeps_a_tied_action_and_refuses_a_start_that_never_ends(cliff):
    optimal = rl.policy_iteration(cliff, 1.0)
    again = rl.policy_iteration(cliff, 1.0, policy=optimal.policy)
    assert again.evaluations == 1 and np.array_equal(again.policy, optimal.policy)
    with pytest.raises(InputError, match="go on for ever"):
        rl.evaluate_exactly(cliff, np.zeros(48, dtype=int), 1.0)         # "up" for ever
    assert np.allclose(rl.evaluate_exactly(cliff, optimal.policy, 0.9),
                       rl.policy_evaluation(cliff, optimal.policy, 0.9, tol=1e-12).V)


def test_policy_matrix_rejects_rows_that_are_not_probabilities():
    assert rl.policy_matrix([1, 0], 2).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(InputError, match="add up to 1"):
        rl.policy_matrix(np.full((3, 2), 0.3), 2)


# --- SARSA against Q-learning ------------------------------------------------------------------


def test_sarsa_walks_the_safe_path_and_q_learning_the_edge(cliff):
    env = gym.make("CliffWalking-v1")
    sarsa = rl.td_control(cliff, "sarsa", runs=8, episodes=200, seed=3)
    q = rl.td_control(cliff, "q-learning", runs=8, episodes=200, seed=3)
    assert sarsa.returns[:, -100:].mean() > q.returns[:, -100:].mean()
    q_paths = [rl.rollout(env, rl.greedy_policy(table)) for table in q.Q]
    sarsa_paths = [rl.rollout(env, rl.greedy_policy(table, rng=np.random.default_rng(0))) for table in sarsa.Q]
    assert all(p.total_reward == -13 for p in q_paths)
    assert np.median([len(p.states) - 1 for p in sarsa_paths if p.terminated]) > 13


def test_td_control_repeats_for_a_seed_and_checks_its_input(cliff):
    a = rl.td_control(cliff, "sarsa", runs=3, episodes=20, seed=5)
    b = rl.td_control(cliff, "sarsa", runs=3, episodes=20, seed=5)
    assert np.array_equal(a.returns, b.returns) and a.Q.shape == (3, 48, 4)
    with pytest.raises(InputError, match="method"):
        rl.td_control(cliff, "double-q-learning")
    with pytest.raises(InputError, match="alpha"):
        rl.td_control(cliff, "sarsa", alpha=0.0)


def test_expected_sarsa_walks_a_safe_path_and_tolerates_a_step_size_of_one(cliff):
    env = gym.make("CliffWalking-v1")
    expected = rl.td_control(cliff, "expected-sarsa", runs=8, episodes=200, alpha=1.0, seed=3)
    sarsa = rl.td_control(cliff, "sarsa", runs=8, episodes=200, alpha=1.0, seed=3)
    assert expected.returns[:, -100:].mean() > sarsa.returns[:, -100:].mean() + 10
    assert expected.returns[:, -100:].mean(axis=1).std() < sarsa.returns[:, -100:].mean(axis=1).std()
    paths = [rl.rollout(env, rl.greedy_policy(table, rng=np.random.default_rng(0))) for table in expected.Q]
    assert all(p.terminated for p in paths) and min(len(p.states) - 1 for p in paths) > 13


def test_expected_sarsa_with_epsilon_zero_learns_exactly_as_q_learning(cliff):
    # with epsilon 0 the policy's average is the best value, and the choices draw the same numbers
    a = rl.td_control(cliff, "expected-sarsa", runs=3, episodes=30, epsilon=0.0, seed=2)
    b = rl.td_control(cliff, "q-learning", runs=3, episodes=30, epsilon=0.0, seed=2)
    assert np.allclose(a.Q, b.Q) and np.array_equal(a.returns, b.returns)


def test_epsilon_greedy_probabilities_share_the_greedy_part_among_ties_and_add_up_to_one():
    pi = rl.epsilon_greedy_probabilities(np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 0.0, 0.0, 0.0], [5.0] * 4]), 0.2)
    assert np.allclose(pi, [[0.05, 0.45, 0.45, 0.05], [0.85, 0.05, 0.05, 0.05], [0.25] * 4])
    rng = np.random.default_rng(0)   # the chances of the choices td_control and epsilon_greedy_action make
    values = np.array([1.0, 3.0, 3.0, 0.0])
    drawn = np.bincount([rl.epsilon_greedy_action(values, 0.2, rng) for _ in range(8000)], minlength=4) / 8000
    assert np.allclose(drawn, pi[0], atol=0.02)
    assert rl.expected_sarsa_target(-1.0, values, False, 0.5, 0.2) == pytest.approx(-1 + 0.5 * (0.05 + 2.7))
    assert rl.expected_sarsa_target(-1.0, values, True, 0.5, 0.2) == -1.0
    assert rl.expected_sarsa_target(0.0, values, False, 1.0, 0.0) == 3.0


# --- Monte Carlo and TD(0) prediction ---------------------------------------------------------------


def test_mc_returns_discount_from_the_next_reward_and_mc_values_tell_first_from_every_visit():
    assert rl.mc_returns([1.0, 0.0, 2.0], 0.5).tolist() == [1.5, 1.0, 2.0]
    episodes = [([0, 1, 0], [1.0, 0.0, 2.0]), ([1, 2], [4.0, -1.0])]
    first = rl.mc_values(episodes, 4, 0.5)
    every = rl.mc_values(episodes, 4, 0.5, first_visit=False)
    assert first.tolist() == [1.5, (1.0 + 3.5) / 2, -1.0, 0.0]
    assert every.tolist() == [1.75, (1.0 + 3.5) / 2, -1.0, 0.0]
    with pytest.raises(InputError, match="one reward per state"):
        rl.mc_values([([0, 1], [1.0])], 2, 1.0)


def _walk_by_hand(method, alpha, episodes, seed, n=5):
    """One learner on the random walk, step by step in plain Python, drawing as random_walk_prediction does."""
    rng = np.random.default_rng(seed)
    V = [0.0] + [0.5] * n + [0.0]
    truth = rl.random_walk_values(n)
    errors = [float(np.sqrt(np.mean((np.array(V[1:-1]) - truth) ** 2)))]
    for _ in range(episodes):
        state, visited = (n + 1) // 2, []
        while 0 < state < n + 1:
            following = state + (-1 if rng.random() < 0.5 else 1)
            reward = 1.0 if following == n + 1 else 0.0
            if method == "td":
                V[state] += alpha * (reward + V[following] - V[state])   # the ends stay 0
            visited.append(state)
            state = following
        if method == "mc":
            for s in visited:                                             # every visit, one after the other
                V[s] += alpha * (reward - V[s])
        errors.append(float(np.sqrt(np.mean((np.array(V[1:-1]) - truth) ** 2))))
    return np.array(errors), np.array(V[1:-1])


@pytest.mark.parametrize("method, alpha", [("td", 0.1), ("mc", 0.05)])
def test_random_walk_prediction_matches_a_plain_loop(method, alpha):
    result = rl.random_walk_prediction(method, alpha=alpha, episodes=30, runs=1, seed=4)
    errors, V = _walk_by_hand(method, alpha, 30, seed=4)
    assert np.allclose(result.errors[0], errors) and np.allclose(result.V[0], V)


def test_td_beats_monte_carlo_on_the_random_walk_and_both_see_the_same_walks():
    td = rl.random_walk_prediction("td", alpha=0.1, episodes=100, runs=50, seed=1)
    mc = rl.random_walk_prediction("mc", alpha=0.02, episodes=100, runs=50, seed=1)
    assert td.errors[:, 0] == pytest.approx(mc.errors[:, 0])            # the same start
    assert td.errors.mean(axis=0)[100] < mc.errors.mean(axis=0)[100] < td.errors.mean(axis=0)[0]
    assert np.allclose(rl.random_walk_values(5), [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6])
    with pytest.raises(InputError, match="method"):
        rl.random_walk_prediction("dp", alpha=0.1)


def test_sarsa_target_uses_the_next_action_value_unless_the_episode_ended():
    assert rl.sarsa_target(-1.0, -4.0, terminated=False, gamma=0.5) == -3.0
    assert rl.sarsa_target(-1.0, -4.0, terminated=True, gamma=0.5) == -1.0


# --- function approximation ---------------------------------------------------------------------


def test_rbf_features_are_bumps_plus_a_constant():
    X = rl.rbf_features([[0.0, 0.0], [3.0, 4.0]], [[0.0, 0.0]], width=5.0)
    assert X.shape == (2, 2) and X[:, 1].tolist() == [1.0, 1.0]
    assert X[0, 0] == 1.0 and X[1, 0] == pytest.approx(np.exp(-0.5))
    with pytest.raises(InputError, match="width"):
        rl.rbf_features([[0.0]], [[0.0]], width=0)


def test_semi_gradient_td_with_one_hot_features_recovers_the_table(lake):
    gamma = 0.9
    policy = rl.value_iteration(lake, gamma).policy
    w = rl.semi_gradient_td(lake, policy, np.eye(16), gamma, alpha=1.0, batches=3000, batch_size=256, seed=0)
    exact = rl.policy_evaluation(lake, policy, gamma).V
    assert np.max(np.abs(w - exact)) < 0.05


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


def test_plot_values_labels_the_marked_cells_once_per_group_and_writes_no_value_there():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlkit.plots.reinforcement import plot_values

    fig, ax = plt.subplots()
    plot_values(ax, np.arange(48.0), (4, 12), marked={"cliff": range(37, 47), "G": [47]})
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("cliff") == 1 and texts.count("G") == 1
    assert "40" not in texts and "47" not in texts and "36" in texts
    cliff_label = next(t for t in ax.texts if t.get_text() == "cliff")
    assert cliff_label.get_position() == (5.5, 3.0)           # the middle of columns 1 to 10 of the last row
    plt.close(fig)


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


def test_a_removed_exercise_id_in_the_progress_store_is_ignored(tmp_path, monkeypatch):
    from mlkit.course import progress

    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    unit = "reinforcement-learning"
    progress.record_attempt(f"{unit}.q_update", unit, "passed")          # an exercise the unit no longer has
    progress.record_attempt(f"{unit}.sarsa_update", unit, "passed")      # retired too
    progress.record_attempt(EX.first_visit.id, unit, "passed")
    row = next(r for r in progress.summary() if r.unit == unit)
    assert (row.exercises, row.attempted, row.passed) == (6, 1, 1)
    detail = progress.unit_detail(unit)
    assert [e.id for e in detail.exercise_list if e.status == progress.PASSED] == [EX.first_visit.id]


def test_tied_best_arms_all_get_picked():
    outcome = EX.epsilon_greedy.evaluate(lambda estimates, epsilon, rng: int(np.argmax(estimates))
                                         if rng.random() >= epsilon else int(rng.integers(len(estimates))))
    assert outcome.status == "incorrect" and "first" in outcome.message


def test_value_iteration_check_names_a_single_sweep_and_accepts_a_tolerant_loop():
    outcome = EX.value_iteration.evaluate(lambda T, R, gamma: R.max(axis=1))
    assert outcome.status == "incorrect" and "one sweep" in outcome.message

    def fixed_sweeps(T, R, gamma):
        V = np.zeros(T.shape[0])
        for _ in range(2000):
            V = (R + gamma * T @ V).max(axis=1)
        return V.tolist()

    assert EX.value_iteration.evaluate(fixed_sweeps).status == "passed"


def test_an_arm_out_of_range_is_named():
    outcome = EX.epsilon_greedy.evaluate(lambda estimates, epsilon, rng: 7)
    assert outcome.status == "incorrect" and "only 4 arms" in outcome.message


# --- exercise 5: a greedy policy on the frozen lake without slipping (actions 0 left, 1 down, 2 right, 3 up)

SHORTEST_WAY = {0: 2, 1: 2, 2: 1, 6: 1, 10: 1, 14: 2}     # right, right, down, down, down, right: 6 steps


def _policy_from(moves, default=0):
    policy = np.full(16, default)
    for state, action in moves.items():
        policy[state] = action
    return policy


def test_a_policy_that_falls_into_a_hole_is_told_where():
    outcome = EX.policy.evaluate(np.full(16, 1))  # always down: into the hole at the bottom left
    assert outcome.status == "incorrect"
    assert "falls into the hole at row 3, column 0 after 3 steps" in outcome.message


def test_a_policy_that_stays_or_goes_round_is_told_it_never_arrives():
    outcome = EX.policy.evaluate(np.zeros(16, dtype=int))  # always left: into the edge at once
    assert outcome.status == "incorrect" and "stays there for ever" in outcome.message
    outcome = EX.policy.evaluate(_policy_from({0: 2, 1: 0}))  # right, then left: back and forth
    assert outcome.status == "incorrect" and "back at row 0, column 0 after 2 steps" in outcome.message
    assert "same loop" in outcome.message


def test_a_longer_way_to_the_goal_is_refused_without_telling_the_shortest_length():
    detour = _policy_from({0: 2, 1: 2, 2: 1, 6: 1, 10: 0, 9: 1, 13: 2, 14: 2})
    outcome = EX.policy.evaluate(detour)
    assert outcome.status == "incorrect" and "8 steps" in outcome.message and "shorter way" in outcome.message
    assert "6" not in outcome.message


@pytest.mark.parametrize(
    "policy",
    [
        _policy_from(SHORTEST_WAY),
        _policy_from({0: 1, 4: 1, 8: 2, 9: 2, 10: 1, 14: 2}, default=3),    # another shortest way
        _policy_from({0: 1, 4: 1, 8: 2, 9: 1, 13: 2, 14: 2}).astype(float).tolist(),
    ],
    ids=["right first", "down first, up elsewhere", "down first, a list of floats"],
)
def test_every_shortest_way_passes_whatever_the_policy_does_off_it(policy):
    outcome = EX.policy.evaluate(policy)
    assert outcome.status == "passed" and "6 steps" in outcome.message


def test_a_shortest_way_as_a_pandas_series_a_row_vector_or_a_tuple_passes():
    import pandas as pd

    policy = _policy_from(SHORTEST_WAY)
    for form in (pd.Series(policy), policy[None, :], tuple(int(a) for a in policy)):
        assert EX.policy.evaluate(form).status == "passed"
    outcome = EX.policy.evaluate(dict(enumerate(policy)))
    assert outcome.status == "incorrect" and "numbers" in outcome.message


@pytest.mark.parametrize("gamma", [0.5, 0.95, 0.99])
def test_other_discounts_below_one_pass_and_ties_may_be_broken_at_random(gamma):
    env = gym.make("FrozenLake-v1", is_slippery=False)
    Q = rl.q_learning(env, episodes=2000, gamma=gamma, seed=0).Q
    assert EX.policy.evaluate(Q.argmax(axis=1)).status == "passed"
    assert EX.policy.evaluate(rl.greedy_policy(Q, rng=np.random.default_rng(1))).status == "passed"


def test_the_policy_of_value_iteration_passes_and_without_discount_it_does_not():
    lake = rl.mdp_from_env(gym.make("FrozenLake-v1", is_slippery=False))
    assert EX.policy.evaluate(rl.value_iteration(lake, 0.9).policy).status == "passed"
    outcome = EX.policy.evaluate(rl.value_iteration(lake, 1.0).policy)
    assert outcome.status == "incorrect" and "never reaches the goal" in outcome.message


def test_the_policy_check_plays_the_lake_without_slipping():
    from mlkit.course.checks.units import reinforcement_learning as unit

    env = unit._lake()
    assert unit._fewest_steps(env) == 6
    assert unit._walk(env, _policy_from(SHORTEST_WAY)) == ("goal", [0, 1, 2, 6, 10, 14, 15])


# --- findings of the review of unit 20: each test failed before its fix -------------------------


def test_mdp_from_env_keeps_the_expected_reward_when_two_moves_land_in_the_same_state():
    # slippery cliff, start state: "right" slips up (-1), falls (-100, back to the start) or bumps
    # into the wall below (-1, stays at the start); the last two land in the same state
    env = gym.make("CliffWalking-v1", is_slippery=True)
    mdp = rl.mdp_from_env(env)
    table = env.unwrapped.P
    expected = np.array([[sum(p * r for p, _, r, _ in table[s][a]) for a in range(4)] for s in range(48)])
    assert np.allclose(mdp.expected_reward, expected)
    assert mdp.expected_reward[36, 1] == pytest.approx(-34.0)
    assert mdp.probabilities[36, 1, 36] == pytest.approx(2 / 3)


def test_mdp_from_env_refuses_moves_to_one_state_that_disagree_on_the_end():
    class Model:
        P = {0: {0: [(0.5, 1, 0.0, True), (0.5, 1, 0.0, False)]}, 1: {0: [(1.0, 1, 0.0, True)]}}

    class Env:
        unwrapped = Model()
        observation_space = type("Space", (), {"n": 2})()
        action_space = type("Space", (), {"n": 1})()

        def reset(self, seed=None):
            return 0, {}

    with pytest.raises(InputError, match="disagree"):
        rl.mdp_from_env(Env())


@pytest.mark.parametrize("generator", ["numpy", "python"])
def test_epsilon_greedy_check_refuses_ties_broken_with_another_generator(generator):
    import random

    def choose(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == np.max(estimates)).tolist()
        return int(np.random.choice(best)) if generator == "numpy" else random.choice(best)

    outcome = EX.epsilon_greedy.evaluate(choose)
    assert outcome.status == "incorrect" and "seeded alike" in outcome.message


def test_epsilon_greedy_check_reports_the_shares_it_measured_rather_than_an_arm_never_picked():
    def half_the_exploration(estimates, epsilon, rng):
        if rng.random() < epsilon / 2:
            return int(rng.integers(len(estimates)))
        return int(rng.choice(np.flatnonzero(estimates == np.max(estimates))))

    outcome = EX.epsilon_greedy.evaluate(half_the_exploration)   # every arm gets at least 12%
    assert outcome.status == "incorrect" and "almost never" not in outcome.message
    best_share = int(outcome.message.split("four arms ")[1].split(", ")[1].rstrip("%"))
    assert 60 <= best_share <= 65                                   # 1/2 + 1/8 on average




# --- the lesson's prose against its own outputs ----------------------------------------------------


@pytest.fixture(scope="module")
def lesson():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / "20_reinforcement_learning.ipynb"
    return json.loads(path.read_text())["cells"]


def _text(cell):
    return "".join(cell["source"])


def _printed(cells, marker):
    """The printed text of the code cell whose source contains ``marker``."""
    cell = next(c for c in cells if c["cell_type"] == "code" and marker in _text(c))
    return "".join("".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream")


def _numbers(text):
    import re

    return [float(x) for x in re.findall(r"-?\d+\.\d+", text)]


def test_lesson_says_no_paragraph_twice(lesson):
    paragraphs = [p.strip() for c in lesson if c["cell_type"] == "markdown" for p in _text(c).split("\n\n")]
    paragraphs = [p for p in paragraphs if len(p) > 40]
    assert len(paragraphs) == len(set(paragraphs))


def test_every_greedy_policy_the_lesson_reads_off_breaks_ties_at_random(lesson):
    import re

    calls = [m for c in lesson if c["cell_type"] == "code" for m in re.findall(r"greedy_policy\([^\n]*", _text(c))]
    assert calls and all("rng=" in call for call in calls)


def test_greedy_arrows_on_the_optimal_values_point_uphill_as_the_lesson_says(cliff, lesson):
    optimal = rl.value_iteration(cliff, 1.0)
    Q = rl.action_values(cliff, optimal.V, 1.0)
    policy = rl.greedy_policy(Q, rng=np.random.default_rng(0))
    onward = cliff.probabilities[np.arange(48), policy].argmax(axis=1)
    cells = np.arange(36)[onward[:36] != 47]      # the goal has no value drawn on the map
    assert len(cells) == 35 and np.all(optimal.V[onward[cells]] > optimal.V[cells])
    prose = " ".join(_text(c) for c in lesson if c["cell_type"] == "markdown")
    assert "point uphill on the value map" in prose and "downhill" not in prose


def test_random_ties_lower_the_greedy_regret_a_lot_but_it_stays_linear(lesson):
    p = [0.20, 0.35, 0.50, 0.55, 0.40]
    first = rl.simulate_bandit(p, "epsilon-greedy", epsilon=0.0, ties="first", steps=1000, runs=200, seed=0)
    fair = rl.simulate_bandit(p, "epsilon-greedy", epsilon=0.0, steps=1000, runs=200, seed=0)
    assert fair.regret[-1] < first.regret[-1] / 3                      # not "only a little"
    halves = fair.regret[499], fair.regret[-1] - fair.regret[499]
    assert halves[1] == pytest.approx(halves[0], rel=0.05)             # a straight line
    prose = " ".join(_text(c) for c in lesson if c["cell_type"] == "markdown")
    assert "helps only a little" not in prose


def test_stuck_sarsa_learners_go_back_and_forth_as_the_lesson_says(lesson):
    import re

    printed = _printed(lesson, 'enumerate(greedy_paths["sarsa"])')
    stuck = [re.findall(r"\d+", cells) for cells in re.findall(r"stuck in cells? \[([^\]]*)\]", printed)]
    assert stuck and any(len(c) == 2 for c in stuck) and any(len(c) == 1 for c in stuck)
    assert any("24" in c or "12" in c for c in stuck)    # "some right next to the start"
    prose = " ".join(_text(c) for c in lesson if c["cell_type"] == "markdown")
    assert "back and forth" in prose and "far from\nthe cliff" not in prose


def test_function_approximation_prose_matches_its_numbers(lesson):
    td_rms, largest, fit_rms, bound = _numbers(_printed(lesson, "semi_gradient_td")
                                               .split("root mean square error:")[1])[:4]
    assert fit_rms < td_rms <= bound                     # not the least-squares fit; of the size the factor allows
    assert 1.5 < td_rms / fit_rms < 2.5                 # "about twice"
    printed = _printed(lesson, "runner_up")
    smallest_lead = _numbers(printed.split("smallest lead")[1])[0]
    assert largest >= smallest_lead                      # an error as large as some leads
    assert "[" in printed and "[]" not in printed        # and there the choice is wrong


def test_value_iteration_stopped_too_early_is_told_its_values_have_not_settled():
    def hundred_sweeps(T, R, gamma):
        V = np.zeros(T.shape[0])
        for _ in range(100):
            V = (R + gamma * T @ V).max(axis=1)
        return V

    outcome = EX.value_iteration.evaluate(hundred_sweeps)
    assert outcome.status == "incorrect" and "not settled" in outcome.message


def test_the_untouched_value_iteration_stub_is_not_attempted():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "exercises" / "20_reinforcement_learning.ipynb"
    cells = json.loads(path.read_text())["cells"]
    stub = next(_text(c) for c in cells if c["cell_type"] == "code" and "def value_iteration(" in _text(c))
    namespace = {"np": np}
    exec(stub, namespace)
    assert EX.value_iteration.evaluate(namespace["value_iteration"]).status == "not_attempted"


def test_value_iteration_check_tells_a_missing_discount_from_a_missing_expectation():
    from mlkit.course.checks.units import reinforcement_learning as unit

    def undiscounted_sweeps(T, R, gamma):
        return unit._values_from(T, R, 1.0, lambda Q: Q.max(axis=1))

    undiscounted = EX.value_iteration.evaluate(undiscounted_sweeps)
    assert undiscounted.status == "incorrect" and "gamma = 1" in undiscounted.message
    optimistic = EX.value_iteration.evaluate(unit._best_next_values)
    assert optimistic.status == "incorrect" and "probability" in optimistic.message
    assert "discount" not in optimistic.message


# --- the Monte Carlo and Expected SARSA checks --------------------------------------------------------


def _first_visit(episodes, n_states, gamma, *, every=False, empty=0.0):
    sums, counts = np.zeros(n_states), np.zeros(n_states)
    for states, rewards in episodes:
        returns, following = np.zeros(len(rewards)), 0.0       # written out: the check withholds rl.mc_returns
        for t in reversed(range(len(rewards))):
            following = rewards[t] + gamma * following
            returns[t] = following
        seen = set()
        for t, s in enumerate(states):
            if every or s not in seen:
                seen.add(s)
                sums[s] += returns[t]
                counts[s] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, empty)


def test_first_visit_check_accepts_own_code_and_names_every_visit_and_an_unvisited_nan():
    assert EX.first_visit.evaluate(lambda e, n, g: _first_visit(e, n, g)).status == "passed"
    assert EX.first_visit.evaluate(lambda e, n, g: _first_visit(e, n, g).tolist()).status == "passed"
    every = EX.first_visit.evaluate(lambda e, n, g: _first_visit(e, n, g, every=True))
    assert every.status == "incorrect" and "*every* visit" in every.message
    nan = EX.first_visit.evaluate(lambda e, n, g: _first_visit(e, n, g, empty=np.nan))
    assert nan.status == "incorrect" and "NaN" in nan.message and "visited states' values are right" in nan.message


def test_first_visit_check_refuses_a_return_that_counts_rewards_before_the_visit():
    def from_the_start(episodes, n_states, gamma):   # the whole episode's return for every state
        return _first_visit([(s, [sum(gamma**k * r for k, r in enumerate(rw))] + [0.0] * (len(rw) - 1))
                             for s, rw in episodes], n_states, gamma)

    assert EX.first_visit.evaluate(from_the_start).status == "incorrect"


def _expected_sarsa(Q, reward, next_state, terminated, epsilon, gamma):
    """Written out: the check withholds rl.expected_sarsa_target."""
    if terminated:
        return reward
    values = Q[next_state]
    best = values == values.max()
    return reward + gamma * (epsilon / len(values) + (1 - epsilon) * best / best.sum()) @ values


def test_expected_sarsa_check_accepts_any_split_of_the_greedy_share_among_exact_ties():
    def first_tie_takes_it_all(Q, reward, next_state, terminated, epsilon, gamma):
        if terminated:
            return reward
        values = Q[next_state]
        pi = np.full(len(values), epsilon / len(values))
        pi[np.argmax(values)] += 1 - epsilon
        return reward + gamma * pi @ values

    assert EX.expected_sarsa.evaluate(_expected_sarsa).status == "passed"
    assert EX.expected_sarsa.evaluate(first_tie_takes_it_all).status == "passed"   # the same number: tied values
    assert EX.expected_sarsa.evaluate(lambda *a: np.float32(_expected_sarsa(*a))).status == "passed"


def test_expected_sarsa_check_names_the_mistakes_in_the_chances():
    def each_tie_gets_the_greedy_share(Q, reward, next_state, terminated, epsilon, gamma):
        values = Q[next_state]
        pi = epsilon / len(values) + (1 - epsilon) * (values == values.max())
        return reward if terminated else reward + gamma * pi @ values

    each = EX.expected_sarsa.evaluate(each_tie_gets_the_greedy_share)
    assert each.status == "incorrect" and "more than 1" in each.message
    greedy = EX.expected_sarsa.evaluate(lambda Q, r, s2, done, eps, g: r if done else r + g * Q[s2].max())
    assert greedy.status == "incorrect" and "Q-learning" in greedy.message
    after_the_end = EX.expected_sarsa.evaluate(lambda Q, r, s2, done, eps, g: _expected_sarsa(Q, r, s2, False, eps, g))
    assert after_the_end.status == "incorrect" and "episode has ended" in after_the_end.message


# --- the lesson's new sections against their outputs --------------------------------------------------


def test_td_and_mc_prose_matches_the_printed_errors(lesson):
    import re

    printed = _printed(lesson, "walk_settings = ")
    rows = re.findall(r"(TD\(0\)|MC)\s+alpha = ([\d.]+)\s*: RMS error after 10 episodes ([\d.]+), after 100 episodes ([\d.]+)", printed)
    td = {float(a): (float(e10), float(e100)) for m, a, e10, e100 in rows if m == "TD(0)"}
    mc = {float(a): (float(e10), float(e100)) for m, a, e10, e100 in rows if m == "MC"}
    assert len(td) == 3 and len(mc) == 3
    assert max(e100 for _, e100 in td.values()) < min(e100 for _, e100 in mc.values())   # "every TD curve below"
    assert td[0.15][0] < td[0.05][0] and td[0.15][1] > td[0.05][1]                        # faster, then higher
    prose = " ".join(_text(c) for c in lesson if c["cell_type"] == "markdown")
    assert "Every TD(0) curve is below every MC curve after 100 episodes" in prose


def test_the_first_walk_changes_only_the_last_estimate_under_td(lesson):
    printed = _printed(lesson, "V_td = V_mc.copy()")
    mc, td = (_numbers(line) for line in printed.splitlines()[:2])
    assert sum(v != 0.5 for v in td) == 1 and td[-1] != 0.5
    assert sum(v != 0.5 for v in mc) > 1


def test_expected_sarsa_prose_matches_the_step_size_comparison(lesson):
    import re

    printed = _printed(lesson, "bold = {method")
    found = {line.split(":")[0].strip(): [float(x) for pair in re.findall(r"(-?\d+\.\d) \(sd[a-z ]*?\s+(\d+\.\d)\)", line)
                                           for x in pair] for line in printed.splitlines()}
    half, half_sd, one, one_sd = found["expected-sarsa"]
    assert abs(half - one) < 1                                               # "as well with 1 as with 0.5"
    s_half, s_half_sd, s_one, s_one_sd = found["sarsa"]
    assert s_one < s_half - 20 and 9 < s_one_sd / one_sd < 12                 # "ten times as much"
    q_half, _, q_one, _ = found["q-learning"]
    assert abs(q_half - q_one) < 5                                           # "does not suffer either"


# --- checks that hold for other sizes, fair ties, and the kit's helpers withheld ------------------------


def _fair(estimates, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(estimates)))
    return int(rng.choice(np.flatnonzero(estimates == estimates.max())))


def _fair_by_index(estimates, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(estimates)))
    best = np.flatnonzero(estimates == estimates.max())
    return int(best[rng.integers(len(best))])


def _fair_by_permutation(estimates, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(estimates)))
    order = rng.permutation(len(estimates))
    return int(order[np.argmax(estimates[order])])


def _fair_by_noise(estimates, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(estimates)))
    return int(np.argmax(estimates + rng.random(len(estimates)) * 1e-9))


def _fair_exploring_the_others(estimates, epsilon, rng):
    """The same law drawn another way: a non-best arm with probability epsilon (k - m) / k, else a best one."""
    best = np.flatnonzero(estimates == estimates.max())
    others = np.setdiff1d(np.arange(len(estimates)), best)
    if len(others) and rng.random() < epsilon * len(others) / len(estimates):
        return int(rng.choice(others))
    return int(rng.choice(best))


@pytest.mark.parametrize("choose", [_fair, _fair_by_index, _fair_by_permutation, _fair_by_noise,
                                    _fair_exploring_the_others])
def test_every_fair_way_of_drawing_passes_the_epsilon_greedy_check(choose):
    outcome = EX.epsilon_greedy.evaluate(choose)
    assert outcome.status == "passed", outcome.message


def test_the_share_band_refuses_a_right_answer_with_a_tiny_probability():
    """The chance, exact from the binomial law, that a right answer's share leaves the band, for each
    (draws, share) the check tests; 14 shares in all, so below 1e-7 together."""
    from scipy.stats import binom

    from mlkit.course.checks.units import reinforcement_learning as unit

    for draws, p in ((unit.DRAWS, 1 / 4), (unit.TIE_DRAWS, 1 / 6), (unit.TIE_DRAWS, 1 / 3), (unit.DRAWS, 0.85)):
        half = unit.BAND_SDS * np.sqrt(p * (1 - p) / draws)
        inside = np.arange(draws + 1)[~unit._outside_band(np.arange(draws + 1) / draws, p, draws)]
        outside = binom.cdf(inside.min() - 1, draws, p) + binom.sf(inside.max(), draws, p)
        assert outside < 5e-9 and half < 0.06


def test_ties_broken_unevenly_are_refused_whatever_arm_is_favoured():
    def off_by_one(estimates, epsilon, rng):    # shares 1/4, 1/4, 1/2
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == estimates.max())
        return int(best[min(rng.integers(len(best) + 1), len(best) - 1)])

    def middle_doubled(estimates, epsilon, rng):   # shares 1/4, 1/2, 1/4
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == estimates.max())
        return int(best[round(rng.random() * (len(best) - 1))])

    def first_favoured(estimates, epsilon, rng):   # 20% more to the first tied arm: 47%, 27%, 27%
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == estimates.max())
        return int(best[0]) if rng.random() < 0.2 else int(rng.choice(best))

    for choose in (off_by_one, middle_doubled, first_favoured):
        outcome = EX.epsilon_greedy.evaluate(choose)
        assert outcome.status == "incorrect" and "not picked equally often" in outcome.message, outcome.message
        assert "far less often" not in outcome.message


def test_exploring_a_hard_coded_number_of_arms_is_refused_with_the_arms_never_picked():
    def four_arms(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(4))
        return int(rng.choice(np.flatnonzero(estimates == estimates.max())))

    outcome = EX.epsilon_greedy.evaluate(four_arms)
    assert outcome.status == "incorrect" and "six arms" in outcome.message and "arms 4, 5" in outcome.message


def test_the_expected_sarsa_tables_are_not_square_and_have_other_numbers_of_actions_than_four():
    from mlkit.course.checks.units import reinforcement_learning as unit

    shapes = {Q.shape for Q in unit._expected_sarsa_tables().values()}
    assert shapes == {(5, 3), (3, 6)}
    used = {case[0] for case in unit._EXPECTED_SARSA_CASES if not case[3] and 0 < case[4] < 1}
    assert used == {"5x3", "3x6"}


def test_expected_sarsa_with_k_from_the_states_or_hard_coded_is_refused():
    def k_is_states(Q, reward, next_state, terminated, epsilon, gamma):
        if terminated:
            return reward
        values = Q[next_state]
        best = values == values.max()
        return reward + gamma * (epsilon / len(Q) + (1 - epsilon) * best / best.sum()) @ values

    def k_is_four(Q, reward, next_state, terminated, epsilon, gamma):
        if terminated:
            return reward
        values = Q[next_state]
        best = values == values.max()
        return reward + gamma * (epsilon / 4 + (1 - epsilon) * best / best.sum()) @ values

    states = EX.expected_sarsa.evaluate(k_is_states)
    assert states.status == "incorrect" and "number of states" in states.message
    four = EX.expected_sarsa.evaluate(k_is_four)
    assert four.status == "incorrect" and "`epsilon / 4`" in four.message
    assert EX.expected_sarsa.evaluate(_expected_sarsa).status == "passed"


@pytest.mark.parametrize("exercise, answer, helper", [
    ("epsilon_greedy", lambda e, eps, rng: rl.epsilon_greedy_action(e, eps, rng), "rl.epsilon_greedy_action"),
    ("epsilon_greedy", lambda e, eps, rng: int(rl.argmax_random(e, rng)) if rng.random() >= eps
     else int(rng.integers(len(e))), "rl.argmax_random"),
    ("first_visit", lambda episodes, n, gamma: rl.mc_values(episodes, n, gamma), "rl.mc_values"),
    ("first_visit", lambda episodes, n, gamma: _first_visit(episodes, n, gamma) + 0 * rl.mc_returns([0.0], gamma)[0],
     "rl.mc_returns"),
    ("expected_sarsa", lambda Q, r, s2, done, eps, g: rl.expected_sarsa_target(r, Q[s2], done, g, eps),
     "rl.expected_sarsa_target"),
    ("expected_sarsa", lambda Q, r, s2, done, eps, g: r if done
     else r + g * rl.epsilon_greedy_probabilities(Q[s2], eps) @ Q[s2], "rl.epsilon_greedy_probabilities"),
])
def test_an_answer_that_calls_the_kits_own_helper_is_refused_and_the_helper_is_back_afterwards(
        exercise, answer, helper):
    originals = {name: getattr(rl, name) for name in ("epsilon_greedy_action", "argmax_random", "mc_values",
                                                      "mc_returns", "expected_sarsa_target",
                                                      "epsilon_greedy_probabilities")}
    outcome = getattr(EX, exercise).evaluate(answer)
    assert outcome.status == "incorrect"
    assert f"the kit's `{helper}` is withheld while it is checked" in outcome.message
    assert all(getattr(rl, name) is function for name, function in originals.items())


def test_rounded_optimal_values_are_told_not_to_round_rather_than_that_they_have_not_settled():
    from mlkit.course.checks.units import reinforcement_learning as unit

    def right(T, R, gamma):
        return unit._values_from(T, R, gamma, lambda Q: Q.max(axis=1))

    for places in (2, 3, 4, 5):
        outcome = EX.value_iteration.evaluate(lambda T, R, g: right(T, R, g).round(places))
        assert outcome.status == "incorrect" and "do not round" in outcome.message, (places, outcome.message)
        assert "not settled" not in outcome.message
    assert EX.value_iteration.evaluate(lambda T, R, g: right(T, R, g).round(8)).status == "passed"
    assert EX.value_iteration.evaluate(lambda T, R, g: right(T, R, g).astype(np.float32)).status == "passed"


def test_a_one_hot_policy_matrix_is_called_a_table_per_state_and_action():
    from mlkit.course.checks.units import reinforcement_learning as unit

    one_hot = np.eye(4)[unit._trained_table(0.9).argmax(axis=1)]
    outcome = EX.policy.evaluate(one_hot)
    assert outcome.status == "incorrect" and "a table per state and action" in outcome.message
    assert "a value per state and action" not in outcome.message


def test_the_lessons_median_path_is_that_of_the_learners_that_arrive(lesson, cliff):
    import re

    printed = _printed(lesson, 'greedy_paths[method] = ')
    sarsa = next(line for line in printed.splitlines() if line.startswith("sarsa "))
    arrived_share, median = re.search(r"(\d+)% reach the goal, those in a median of (\d+) steps", sarsa).groups()
    trained = rl.td_control(cliff, "sarsa", runs=20, episodes=300, alpha=0.5, gamma=1.0, epsilon=0.1, seed=1)
    env = gym.make("CliffWalking-v1")
    paths = [rl.rollout(env, rl.greedy_policy(Q, rng=np.random.default_rng(0)), seed=0) for Q in trained.Q]
    arriving = [len(p.states) - 1 for p in paths if p.terminated]
    assert int(arrived_share) == round(100 * len(arriving) / len(paths)) < 100
    assert int(median) == round(float(np.median(arriving)))
    prose = " ".join(_text(c) for c in lesson if c["cell_type"] == "markdown")
    assert "among the learners whose greedy path\narrives" in prose


def test_the_lesson_does_not_call_the_scaled_fit_error_a_bound_for_its_run(lesson):
    prose = " ".join(_text(c) for c in lesson if c["cell_type"] == "markdown")
    assert "inside the bound" not in prose and "the bound printed above" not in prose
    assert "It is not a bound for this run" in prose
    printed = _printed(lesson, "semi_gradient_td")
    assert "bound on TD's error" not in printed and "the factor of the bound for on-policy sampling" in printed
