"""Bandits, Markov decision processes and tabular learning (Monte Carlo and TD prediction, Q-learning,
SARSA, Expected SARSA), written out in NumPy.

The reinforcement-learning unit writes the key steps by hand in the lesson;
this module holds the reusable versions the lesson calls to run many
simulations, and that the exercise checks use as their reference.

Randomness comes only from NumPy ``Generator`` objects made from a seed, and
gymnasium environments are reset with a seed, so every run repeats exactly.
Everything here computes and returns values: nothing prints or plots.

Examples
--------
>>> import numpy as np
>>> ucb_scores(np.array([0.5, 0.2]), np.array([4, 0]), t=4, c=1.0).round(3).tolist()
[1.089, inf]
>>> q_target(reward=-1.0, next_values=np.array([-3.0, -2.0]), terminated=False, gamma=1.0)
-3.0
>>> rng = np.random.default_rng(0)
>>> sorted({argmax_random(np.array([1.0, 3.0, 3.0]), rng) for _ in range(20)})
[1, 2]
>>> epsilon_greedy_probabilities(np.array([1.0, 3.0, 3.0, 0.0]), epsilon=0.2).round(3).tolist()
[0.05, 0.45, 0.45, 0.05]
>>> mc_returns([0.0, -1.0, 2.0], gamma=0.5).tolist()
[0.0, 0.0, 2.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlkit.errors import InputError

STRATEGIES = ("epsilon-greedy", "ucb")
ACTION_ARROWS = {0: "↑", 1: "→", 2: "↓", 3: "←"}
"""Actions of gymnasium's grid world CliffWalking (0 up, 1 right, 2 down, 3 left)."""
FROZEN_LAKE_ARROWS = {0: "←", 1: "↓", 2: "→", 3: "↑"}
"""Actions of gymnasium's grid world FrozenLake (0 left, 1 down, 2 right, 3 up)."""
TIES = ("random", "first")
METHODS = ("sarsa", "q-learning", "expected-sarsa")
PREDICTION_METHODS = ("td", "mc")


# --- greedy choices ------------------------------------------------------------------------


def argmax_random(values, rng: np.random.Generator, *, atol: float = 1e-9):
    """Position of the largest value along the last axis, ties broken uniformly at random.

    ``np.argmax`` returns the *first* of tied maxima, which biases a greedy agent towards
    low-numbered actions. Here every entry within ``atol`` of the row's maximum is a tie,
    and one of them is drawn with ``rng``. A 1-D ``values`` gives an ``int``; an array of
    shape (n, k) gives n positions.
    """
    values = np.asarray(values, dtype=float)
    best = values.max(axis=-1, keepdims=True)
    ties = values >= best - atol
    chosen = np.argmax(np.where(ties, rng.random(values.shape), -1.0), axis=-1)
    return int(chosen) if values.ndim == 1 else chosen


# --- bandits -------------------------------------------------------------------------


def epsilon_greedy_action(estimates, epsilon: float, rng: np.random.Generator) -> int:
    """With probability ``epsilon`` a random arm (exploration), otherwise the best estimate.

    Ties between best estimates are broken at random (:func:`argmax_random`).
    """
    estimates = np.asarray(estimates, dtype=float)
    if rng.random() < epsilon:
        return int(rng.integers(estimates.size))
    return argmax_random(estimates, rng)


def ucb_scores(estimates, counts, t: int, c: float = 2.0) -> np.ndarray:
    """Upper confidence bounds: ``estimate + c * sqrt(ln t / count)``; arms never tried score ``inf``."""
    estimates = np.asarray(estimates, dtype=float)
    counts = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bonus = c * np.sqrt(np.log(max(t, 1)) / counts)
    return np.where(counts > 0, estimates + bonus, np.inf)


@dataclass
class BanditResult:
    """Averages over many independent runs of one strategy on one bandit.

    ``regret[t]`` is the expected reward lost by step ``t`` (inclusive) against
    always pulling the best arm; ``best_share[t]`` the share of runs that pulled
    the best arm at step ``t``; ``pulls`` the mean number of pulls per arm.
    """

    regret: np.ndarray
    best_share: np.ndarray
    pulls: np.ndarray
    mean_reward: float


def simulate_bandit(
    probabilities,
    strategy: str,
    *,
    steps: int = 1000,
    runs: int = 200,
    epsilon: float = 0.1,
    c: float = 2.0,
    seed: int = 0,
    ties: str = "random",
) -> BanditResult:
    """Play a Bernoulli bandit ``runs`` times for ``steps`` pulls each, all runs at once.

    Parameters
    ----------
    probabilities : chance of a reward of 1 for each arm
    strategy : ``"epsilon-greedy"`` (``epsilon=0`` is purely greedy) or ``"ucb"``
    steps, runs : length and number of independent runs
    epsilon, c : the strategy's exploration setting
    seed : seed of the NumPy generator; the same seed gives the same result
    ties : ``"random"`` breaks ties between best arms at random; ``"first"`` takes the
        lowest index, as ``np.argmax`` does (to show its bias)
    """
    if ties not in TIES:
        raise InputError(f"ties must be one of {TIES}, got {ties!r}")
    if strategy not in STRATEGIES:
        raise InputError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 1 or p.size < 2 or ((p < 0) | (p > 1)).any():
        raise InputError("probabilities must be a list of at least two numbers between 0 and 1")
    rng = np.random.default_rng(seed)
    k = p.size
    rows = np.arange(runs)
    estimates = np.zeros((runs, k))
    counts = np.zeros((runs, k))
    lost = np.empty(steps)
    best_share = np.empty(steps)
    total = 0.0
    best = int(np.argmax(p))
    for t in range(steps):
        if strategy == "ucb":
            with np.errstate(divide="ignore", invalid="ignore"):
                scores = estimates + c * np.sqrt(np.log(t + 1) / counts)
            scores[counts == 0] = np.inf
            arms = argmax_random(scores, rng) if ties == "random" else np.argmax(scores, axis=1)
        else:
            greedy = argmax_random(estimates, rng) if ties == "random" else np.argmax(estimates, axis=1)
            explore = rng.random(runs) < epsilon
            arms = np.where(explore, rng.integers(k, size=runs), greedy)
        rewards = (rng.random(runs) < p[arms]).astype(float)
        counts[rows, arms] += 1
        estimates[rows, arms] += (rewards - estimates[rows, arms]) / counts[rows, arms]
        lost[t] = np.mean(p[best] - p[arms])
        best_share[t] = np.mean(arms == best)
        total += rewards.sum()
    return BanditResult(np.cumsum(lost), best_share, counts.mean(axis=0), total / (runs * steps))


# --- tabular Q-learning ------------------------------------------------------------------


def q_target(reward: float, next_values, terminated: bool, gamma: float) -> float:
    """What Q-learning moves towards: the reward, plus the best next value unless the episode ended."""
    return float(reward) if terminated else float(reward + gamma * np.max(next_values))


@dataclass
class QLearningRun:
    """The learned table ``Q`` (states x actions) and each training episode's return and length."""

    Q: np.ndarray
    returns: np.ndarray
    lengths: np.ndarray


def q_learning(
    env,
    *,
    episodes: int = 500,
    alpha: float = 0.5,
    gamma: float = 1.0,
    epsilon: float = 0.1,
    seed: int = 0,
    max_steps: int = 1000,
) -> QLearningRun:
    """Tabular Q-learning with an epsilon-greedy behaviour policy on a discrete gymnasium environment.

    After each step, ``Q[s, a] += alpha * (target - Q[s, a])`` with the target of
    :func:`q_target`. The environment is reset with ``seed`` once; the agent's
    own choices come from a NumPy generator seeded with ``seed`` too.
    """
    if not (0 < alpha <= 1 and 0 <= gamma <= 1 and 0 <= epsilon <= 1):
        raise InputError(f"need 0 < alpha <= 1, 0 <= gamma <= 1, 0 <= epsilon <= 1; got {alpha}, {gamma}, {epsilon}")
    rng = np.random.default_rng(seed)
    Q = np.zeros((env.observation_space.n, env.action_space.n))
    returns = np.zeros(episodes)
    lengths = np.zeros(episodes, dtype=int)
    state, _ = env.reset(seed=seed)
    for episode in range(episodes):
        if episode:
            state, _ = env.reset()
        for step in range(max_steps):
            action = epsilon_greedy_action(Q[state], epsilon, rng)
            next_state, reward, terminated, truncated, _ = env.step(action)
            target = q_target(reward, Q[next_state], terminated, gamma)
            Q[state, action] += alpha * (target - Q[state, action])
            returns[episode] += reward
            state = next_state
            if terminated or truncated:
                break
        lengths[episode] = step + 1
    return QLearningRun(Q, returns, lengths)


def greedy_policy(Q, rng: np.random.Generator | None = None) -> np.ndarray:
    """The action with the highest value in each state (one entry per state).

    With ``rng``, ties are broken at random (:func:`argmax_random`); without, the first
    tied action is taken, as ``np.argmax`` does.
    """
    Q = np.asarray(Q, dtype=float)
    return np.argmax(Q, axis=1) if rng is None else argmax_random(Q, rng)


@dataclass
class Rollout:
    """One episode following a fixed policy: states visited, total reward, and whether it ended."""

    states: list[int]
    total_reward: float
    terminated: bool


def rollout(env, policy, *, seed: int = 0, max_steps: int = 100) -> Rollout:
    """Follow ``policy`` (one action per state) for one episode, without exploring."""
    policy = np.asarray(policy)
    state, _ = env.reset(seed=seed)
    states, total = [int(state)], 0.0
    for _ in range(max_steps):
        state, reward, terminated, truncated, _ = env.step(int(policy[state]))
        states.append(int(state))
        total += reward
        if terminated or truncated:
            return Rollout(states, total, bool(terminated))
    return Rollout(states, total, False)


def moving_average(values, window: int) -> np.ndarray:
    """Mean of each run of ``window`` consecutive values (``len(values) - window + 1`` of them)."""
    values = np.asarray(values, dtype=float)
    if not 1 <= window <= values.size:
        raise InputError(f"window must be between 1 and {values.size}, got {window}")
    sums = np.cumsum(np.insert(values, 0, 0.0))
    return (sums[window:] - sums[:-window]) / window


# --- Markov decision processes ----------------------------------------------------------------


@dataclass
class MDP:
    """A finite Markov decision process, as arrays.

    ``probabilities[s, a, t]`` is the chance that action ``a`` in state ``s`` leads to
    state ``t``; ``rewards[s, a, t]`` the reward of that move and ``ends[s, a, t]`` whether
    it ends the episode. ``start`` is the state every episode starts in.
    """

    probabilities: np.ndarray
    rewards: np.ndarray
    ends: np.ndarray
    start: int

    @property
    def n_states(self) -> int:
        """Number of states."""
        return self.probabilities.shape[0]

    @property
    def n_actions(self) -> int:
        """Number of actions."""
        return self.probabilities.shape[1]

    @property
    def continuing(self) -> np.ndarray:
        """``T[s, a, t]``: the chance of moving to ``t`` *and going on* (moves that end the episode removed)."""
        return self.probabilities * ~self.ends

    @property
    def expected_reward(self) -> np.ndarray:
        """``R[s, a]``: the expected reward of action ``a`` in state ``s``."""
        return (self.probabilities * self.rewards).sum(axis=2)


def mdp_from_env(env) -> MDP:
    """The model of a discrete gymnasium environment (FrozenLake, CliffWalking) from ``env.unwrapped.P``.

    ``P[s][a]`` lists ``(probability, next_state, reward, terminated)``; moves to the same
    next state are added up, and their rewards averaged, weighted by their probabilities
    (on the slippery cliff, "right" from the start can fall, -100, or bump into the wall,
    -1, and both lead back to the start): the expected rewards stay exact, and a sampled
    move to that state pays the average. The start state is the one ``env.reset(seed=0)``
    gives. Raises :class:`InputError` for an environment without such a model, or where
    two moves to the same state disagree on whether the episode ends.
    """
    table = getattr(env.unwrapped, "P", None)
    if not isinstance(table, dict):
        raise InputError("the environment has no model `env.unwrapped.P`; use FrozenLake or CliffWalking")
    n_states, n_actions = env.observation_space.n, env.action_space.n
    probabilities = np.zeros((n_states, n_actions, n_states))
    paid = np.zeros_like(probabilities)  # sum of probability * reward over the moves to each state
    rewards = np.zeros_like(probabilities)
    ends = np.zeros(probabilities.shape, dtype=bool)
    for s in range(n_states):
        for a in range(n_actions):
            for probability, t, reward, terminated in table[s][a]:
                if probabilities[s, a, t] > 0 and ends[s, a, t] != bool(terminated):
                    raise InputError(f"in state {s}, action {a}, two moves to state {t} disagree on whether the "
                                     "episode ends; such a model cannot be written as arrays over next states")
                probabilities[s, a, t] += probability
                paid[s, a, t] += probability * reward
                ends[s, a, t] = terminated
    np.divide(paid, probabilities, out=rewards, where=probabilities > 0)
    start, _ = env.reset(seed=0)
    return MDP(probabilities, rewards, ends, int(start))


def policy_matrix(policy, n_actions: int) -> np.ndarray:
    """A policy as probabilities ``pi[s, a]``: one action per state becomes a row with a single 1."""
    policy = np.asarray(policy)
    if policy.ndim == 1:
        return np.eye(n_actions)[policy.astype(int)]
    if policy.ndim != 2 or policy.shape[1] != n_actions or not np.allclose(policy.sum(axis=1), 1):
        raise InputError(f"a policy is one action per state, or a (states, {n_actions}) array of probabilities "
                         "whose rows add up to 1")
    return policy.astype(float)


def action_values(mdp: MDP, V, gamma: float) -> np.ndarray:
    """``Q[s, a] = R[s, a] + gamma * sum_t T[s, a, t] V[t]``: one step, then the values ``V`` (S,) onwards."""
    return mdp.expected_reward + gamma * mdp.continuing @ np.asarray(V, dtype=float)


@dataclass
class Sweeps:
    """State values ``V`` (one per state), the greedy policy for them, and the largest change of each sweep."""

    V: np.ndarray
    policy: np.ndarray
    changes: np.ndarray


def policy_evaluation(mdp: MDP, policy, gamma: float, *, tol: float = 1e-8, max_sweeps: int = 10_000) -> Sweeps:
    """Iterate the Bellman expectation equation ``V = R_pi + gamma T_pi V`` until no value moves more than ``tol``.

    ``policy`` is one action per state or a (states, actions) array of probabilities.
    The returned ``policy`` is the greedy policy for the values found (first action of ties).
    Raises :class:`InputError` when the values have not settled after ``max_sweeps`` sweeps
    (with ``gamma = 1``, a policy that can wander for ever has no finite values).
    """
    pi = policy_matrix(policy, mdp.n_actions)
    return _sweep(mdp, gamma, lambda Q: (pi * Q).sum(axis=1), tol, max_sweeps)


def value_iteration(mdp: MDP, gamma: float, *, tol: float = 1e-8, max_sweeps: int = 10_000) -> Sweeps:
    """Iterate the Bellman optimality equation ``V(s) = max_a (R[s, a] + gamma sum_t T[s, a, t] V(t))``.

    Returns the optimal values, a greedy policy for them (first action of ties; use
    :func:`greedy_policy` with a generator on :func:`action_values` to break ties at random)
    and the largest change of each sweep. Raises :class:`InputError` if ``max_sweeps`` is reached.
    """
    return _sweep(mdp, gamma, lambda Q: Q.max(axis=1), tol, max_sweeps)


@dataclass
class PolicyIteration:
    """Result of policy iteration: the final values ``V``, the stable ``policy`` (one action per state),
    and ``changed[i]``, the number of states whose action the ``i``-th improvement changed."""

    V: np.ndarray
    policy: np.ndarray
    changed: np.ndarray

    @property
    def evaluations(self) -> int:
        """How many policies were evaluated: one per improvement, the last one finding nothing to change."""
        return len(self.changed)


def evaluate_exactly(mdp: MDP, policy, gamma: float) -> np.ndarray:
    """The values of ``policy`` from the Bellman expectation equation solved as a linear system,
    ``(I - gamma T_pi) V = R_pi``.

    Raises :class:`InputError` when the system has no single solution: with ``gamma = 1``,
    a policy that can go on for ever has no finite values.
    """
    pi = policy_matrix(policy, mdp.n_actions)
    if not 0 <= gamma <= 1:
        raise InputError(f"gamma must be between 0 and 1, got {gamma}")
    R_pi = (pi * mdp.expected_reward).sum(axis=1)
    T_pi = np.einsum("sa,sat->st", pi, mdp.continuing)
    system = np.eye(mdp.n_states) - gamma * T_pi
    if np.linalg.cond(system) > 1e12:
        raise InputError("this policy has no finite values: with gamma = 1 it can go on for ever")
    return np.linalg.solve(system, R_pi)


def policy_iteration(mdp: MDP, gamma: float, policy=None, *, atol: float = 1e-9,
                     max_iterations: int = 100) -> PolicyIteration:
    """Alternate policy evaluation (:func:`evaluate_exactly`) and greedy improvement until no action changes.

    ``policy`` is where it starts (one action per state or probabilities; default: each action
    with the same probability). An improvement takes, in each state, an action with the highest
    action value; where the current action is among those (within ``atol``), it is kept, so that
    ties cannot make the policy switch back and forth for ever. Raises :class:`InputError` when the
    policy is still changing after ``max_iterations`` improvements.
    """
    current = np.full((mdp.n_states, mdp.n_actions), 1 / mdp.n_actions) if policy is None else policy
    current = np.asarray(current)
    changed = []
    for _ in range(max_iterations):
        V = evaluate_exactly(mdp, current, gamma)
        Q = action_values(mdp, V, gamma)
        improved = np.argmax(Q, axis=1)
        if current.ndim == 1:
            keep = Q[np.arange(mdp.n_states), current] >= Q.max(axis=1) - atol
            improved = np.where(keep, current, improved)
            changed.append(int(np.sum(improved != current)))
        else:  # from probabilities every state gets its first single action
            changed.append(mdp.n_states)
        if changed[-1] == 0:
            return PolicyIteration(V, current, np.array(changed))
        current = improved
    raise InputError(f"the policy still changed after {max_iterations} improvements")


def _sweep(mdp: MDP, gamma: float, backup, tol: float, max_sweeps: int) -> Sweeps:
    if not 0 <= gamma <= 1:
        raise InputError(f"gamma must be between 0 and 1, got {gamma}")
    V = np.zeros(mdp.n_states)
    changes = []
    for _ in range(max_sweeps):
        new = backup(action_values(mdp, V, gamma))
        changes.append(float(np.max(np.abs(new - V))))
        V = new
        if changes[-1] <= tol:
            return Sweeps(V, np.argmax(action_values(mdp, V, gamma), axis=1), np.array(changes))
    raise InputError(f"the values did not settle in {max_sweeps} sweeps; with gamma = 1 some policy may never end")


# --- SARSA and Q-learning, many runs at once -------------------------------------------------


@dataclass
class TDRuns:
    """Tables ``Q`` (runs x states x actions) and returns (runs x episodes) of independent learners."""

    Q: np.ndarray
    returns: np.ndarray


def td_control(
    mdp: MDP,
    method: str,
    *,
    runs: int = 10,
    episodes: int = 500,
    alpha: float = 0.5,
    gamma: float = 1.0,
    epsilon: float = 0.1,
    seed: int = 0,
    max_steps: int = 1000,
) -> TDRuns:
    """SARSA, Q-learning or Expected SARSA, epsilon-greedy with random ties, for ``runs`` learners in step, on a model.

    Each learner samples its moves from ``mdp`` (the same moves the environment would make)
    and, after each step, moves ``Q[s, a]`` a fraction ``alpha`` towards its target:
    ``r + gamma * Q[s', a']`` for SARSA (``a'`` the action it will take next),
    ``r + gamma * max Q[s']`` for Q-learning, or ``r + gamma * sum_a pi(a | s') Q[s', a]`` for
    Expected SARSA (``pi`` the learner's own epsilon-greedy policy,
    :func:`epsilon_greedy_probabilities`); just ``r`` when the move ended the episode.
    All learners step together (one NumPy operation for all), each in its own episode. An
    episode cut at ``max_steps`` bootstraps from the state it reached (for SARSA, with the
    action chosen in the next episode's start state; a rare case with these worlds).
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {METHODS}, got {method!r}")
    if not (0 < alpha <= 1 and 0 <= gamma <= 1 and 0 <= epsilon <= 1):
        raise InputError(f"need 0 < alpha <= 1, 0 <= gamma <= 1, 0 <= epsilon <= 1; got {alpha}, {gamma}, {epsilon}")
    rng = np.random.default_rng(seed)
    rows = np.arange(runs)
    n_states, n_actions = mdp.n_states, mdp.n_actions
    # flat views: row s * n_actions + a of the model, entry (run, s, a) of the tables
    cumulative = mdp.probabilities.cumsum(axis=2).reshape(-1, n_states)
    rewards = mdp.rewards.reshape(-1, n_states)
    ends = mdp.ends.reshape(-1, n_states)
    Q = np.zeros((runs, n_states, n_actions))
    flat = Q.reshape(-1)
    table = Q.reshape(-1, n_actions)
    first_row = rows * n_states
    returns = np.zeros((runs, episodes))

    def choose(values, draws):
        """Epsilon-greedy on rows of action values, random ties; ``draws`` (runs, actions + 2) uniform numbers."""
        ties = values >= values.max(axis=1, keepdims=True) - 1e-9
        greedy = (ties * draws[:, :n_actions]).argmax(axis=1)
        explore = draws[:, n_actions] < epsilon
        return np.where(explore, (draws[:, n_actions + 1] * n_actions).astype(int), greedy)

    state = np.full(runs, mdp.start)
    action = choose(table[first_row + state], rng.random((runs, n_actions + 2)))
    episode = np.zeros(runs, dtype=int)
    total = np.zeros(runs)
    steps = np.zeros(runs, dtype=int)
    active = np.ones(runs, dtype=bool)
    while active.any():
        draws = rng.random((runs, n_actions + 3))
        move = state * n_actions + action
        following = np.minimum((cumulative[move] < draws[:, -1:]).sum(axis=1), n_states - 1)
        reward = rewards[move, following]
        ended = ends[move, following]
        steps += 1
        finished = active & (ended | (steps >= max_steps))
        # after a finished episode the next action is chosen in the start state of the next one
        after = np.where(finished, mdp.start, following)
        next_action = choose(table[first_row + after], draws)
        if method == "sarsa":
            onward = flat[(first_row + following) * n_actions + next_action]
        elif method == "expected-sarsa":
            values = table[first_row + following]
            onward = (epsilon_greedy_probabilities(values, epsilon) * values).sum(axis=1)
        else:
            onward = table[first_row + following].max(axis=1)
        target = reward + gamma * np.where(ended, 0.0, onward)
        here = (first_row + state) * n_actions + action
        flat[here] += active * alpha * (target - flat[here])
        total += active * reward
        if finished.any():
            returns[rows[finished], episode[finished]] = total[finished]
            episode += finished
            total[finished] = 0.0
            steps[finished] = 0
            active = episode < episodes
        state, action = after, next_action
    return TDRuns(Q, returns)


def sarsa_target(reward: float, next_value: float, terminated: bool, gamma: float) -> float:
    """What SARSA moves towards: the reward, plus the value of the action actually taken next (unless it ended)."""
    return float(reward) if terminated else float(reward + gamma * next_value)


def epsilon_greedy_probabilities(values, epsilon: float, *, atol: float = 1e-9) -> np.ndarray:
    """The chances ``pi(a | s)`` that an epsilon-greedy choice with random ties takes each action.

    Exploring (probability ``epsilon``) picks any of the k actions, ``epsilon / k`` each; exploiting
    picks one of the m actions tied for the best value (within ``atol``, as in
    :func:`argmax_random`), ``(1 - epsilon) / m`` each. A 1-D ``values`` gives one row of k
    chances; an (n, k) array, one row per state.
    """
    values = np.asarray(values, dtype=float)
    ties = values >= values.max(axis=-1, keepdims=True) - atol
    k = values.shape[-1]
    return epsilon / k + (1 - epsilon) * ties / ties.sum(axis=-1, keepdims=True)


def expected_sarsa_target(reward: float, next_values, terminated: bool, gamma: float, epsilon: float) -> float:
    """What Expected SARSA moves towards: the reward, plus the next state's values averaged over
    the epsilon-greedy policy's chances (:func:`epsilon_greedy_probabilities`), unless it ended."""
    if terminated:
        return float(reward)
    next_values = np.asarray(next_values, dtype=float)
    return float(reward + gamma * epsilon_greedy_probabilities(next_values, epsilon) @ next_values)


# --- prediction: Monte Carlo against TD(0) ----------------------------------------------------------


def mc_returns(rewards, gamma: float) -> np.ndarray:
    """The return from each step of one episode: ``G_t = r_{t+1} + gamma * G_{t+1}``, with ``G`` 0 after the end.

    ``rewards[t]`` is the reward received on leaving the state of step ``t``, so the last entry is
    the reward of the move that ended the episode.
    """
    rewards = np.asarray(rewards, dtype=float)
    returns = np.zeros(rewards.size)
    following = 0.0
    for t in range(rewards.size - 1, -1, -1):
        following = rewards[t] + gamma * following
        returns[t] = following
    return returns


def mc_values(episodes, n_states: int, gamma: float, *, first_visit: bool = True) -> np.ndarray:
    """Monte Carlo estimates of the state values: the mean of the returns that followed the visits.

    ``episodes`` is a list of ``(states, rewards)`` pairs of equal lengths, ``states[t]`` the state
    of step ``t`` and ``rewards[t]`` the reward on leaving it (the end is not a state of the list).
    First-visit counts, in each episode, only the return after a state's first visit; every-visit
    counts all of them. A state never visited gets 0.
    """
    sums = np.zeros(n_states)
    counts = np.zeros(n_states)
    for states, rewards in episodes:
        states = np.asarray(states, dtype=int)
        if states.size != len(rewards):
            raise InputError(f"an episode needs one reward per state; got {states.size} states and {len(rewards)} rewards")
        returns = mc_returns(rewards, gamma)
        if first_visit:
            _, first = np.unique(states, return_index=True)
            states, returns = states[first], returns[first]
        np.add.at(sums, states, returns)
        np.add.at(counts, states, 1)
    return np.divide(sums, counts, out=np.zeros(n_states), where=counts > 0)


def random_walk_values(n_states: int = 5) -> np.ndarray:
    """True values of the random walk of :func:`random_walk_prediction`: ``1/(n+1), ..., n/(n+1)``.

    From state ``i`` (1 to n) a fair walk reaches the right end before the left one with
    probability ``i / (n + 1)``, and only the right end pays 1.
    """
    return np.arange(1, n_states + 1) / (n_states + 1)


@dataclass
class PredictionRuns:
    """``errors[r, e]``: root mean square error of run ``r``'s estimates over the walk's states after
    ``e`` episodes (column 0 before any); ``V``: each run's final estimates."""

    errors: np.ndarray
    V: np.ndarray


def random_walk_prediction(method: str, *, alpha: float, episodes: int = 100, runs: int = 100,
                           n_states: int = 5, initial: float = 0.5, seed: int = 0) -> PredictionRuns:
    """Learn the values of a fair random walk by TD(0) or by constant-alpha Monte Carlo, ``runs`` times at once.

    Sutton and Barto's example 6.2: states 1 to ``n_states`` in a row, ends at 0 and
    ``n_states + 1``; every episode starts in the middle and steps left or right with equal
    chances until it reaches an end. Reaching the right end pays 1; every other step pays 0; no
    discount. Estimates start at ``initial`` (the ends are worth 0).

    ``"td"`` moves ``V(s)`` after each step a fraction ``alpha`` towards ``r + V(s')``;
    ``"mc"`` waits for the end of the episode and moves ``V(s)`` a fraction ``alpha`` towards
    the return, once per visit (every-visit). The walks come from a generator seeded ``seed``
    and do not depend on the estimates, so both methods with the same seed see the same episodes.
    """
    if method not in PREDICTION_METHODS:
        raise InputError(f"method must be one of {PREDICTION_METHODS}, got {method!r}")
    if not 0 < alpha <= 1:
        raise InputError(f"alpha must be in (0, 1], got {alpha}")
    rng = np.random.default_rng(seed)
    rows = np.arange(runs)
    right, centre = n_states + 1, (n_states + 1) // 2
    truth = random_walk_values(n_states)
    V = np.full((runs, n_states + 2), float(initial))
    V[:, [0, right]] = 0.0
    visits = np.zeros((runs, n_states + 2))
    errors = np.empty((runs, episodes + 1))
    errors[:, 0] = np.sqrt(np.mean((V[:, 1:-1] - truth) ** 2, axis=1))
    state = np.full(runs, centre)
    episode = np.zeros(runs, dtype=int)
    active = np.ones(runs, dtype=bool)
    while active.any():
        following = state + np.where(rng.random(runs) < 0.5, -1, 1)
        ended = (following == 0) | (following == right)
        reward = (following == right).astype(float)
        if method == "td":
            target = reward + np.where(ended, 0.0, V[rows, following])
            V[rows, state] += active * alpha * (target - V[rows, state])
        else:
            visits[rows, state] += active
        done = ended & active
        if done.any():
            if method == "mc":  # every visit moves V a fraction alpha towards the same return: (1 - alpha)**visits is left
                G = reward[done, None]
                V[done] = G + (1 - alpha) ** visits[done] * (V[done] - G)
                visits[done] = 0.0
            episode += done
            errors[rows[done], episode[done]] = np.sqrt(np.mean((V[done, 1:-1] - truth) ** 2, axis=1))
            active = episode < episodes
        state = np.where(ended, centre, following)
    return PredictionRuns(errors, V[:, 1:-1])


# --- linear function approximation ------------------------------------------------------------


def rbf_features(points, centres, width: float) -> np.ndarray:
    """Gaussian bumps ``exp(-|x - c|^2 / (2 width^2))`` for each centre, plus a constant 1 as the last feature.

    ``points`` (n, d) and ``centres`` (k, d) give an (n, k + 1) array.
    """
    points = np.atleast_2d(np.asarray(points, dtype=float))
    centres = np.atleast_2d(np.asarray(centres, dtype=float))
    if width <= 0:
        raise InputError(f"width must be positive, got {width}")
    squared = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return np.hstack([np.exp(-squared / (2 * width**2)), np.ones((len(points), 1))])


def semi_gradient_td(
    mdp: MDP,
    policy,
    features,
    gamma: float,
    *,
    states=None,
    alpha: float = 0.1,
    batches: int = 2000,
    batch_size: int = 64,
    seed: int = 0,
) -> np.ndarray:
    """Weights ``w`` of a linear value function ``V(s) = features[s] @ w`` learned by semi-gradient TD(0).

    Each batch draws ``batch_size`` states from ``states`` (default: all), takes the policy's
    action (one per state), samples the move from ``mdp``, and steps ``w`` by ``alpha`` times
    the batch mean of ``(r + gamma V(s') - V(s)) * features[s]`` (``V(s')`` is 0 after an
    ending move). "Semi": the target ``r + gamma V(s')`` is treated as a constant.
    """
    rng = np.random.default_rng(seed)
    features = np.asarray(features, dtype=float)
    policy = np.asarray(policy, dtype=int)
    pool = np.arange(mdp.n_states) if states is None else np.asarray(states, dtype=int)
    cumulative = mdp.probabilities.cumsum(axis=2)
    w = np.zeros(features.shape[1])
    for _ in range(batches):
        s = rng.choice(pool, size=batch_size)
        a = policy[s]
        following = np.minimum((cumulative[s, a] < rng.random(batch_size)[:, None]).sum(axis=1), mdp.n_states - 1)
        onward = np.where(mdp.ends[s, a, following], 0.0, features[following] @ w)
        error = mdp.rewards[s, a, following] + gamma * onward - features[s] @ w
        w += alpha * (error[:, None] * features[s]).mean(axis=0)
    return w
