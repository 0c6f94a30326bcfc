"""Multi-armed bandits and tabular Q-learning, written out in NumPy.

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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlkit.errors import InputError

STRATEGIES = ("epsilon-greedy", "ucb")
ACTION_ARROWS = {0: "↑", 1: "→", 2: "↓", 3: "←"}
"""Actions of gymnasium's grid worlds CliffWalking (0 up, 1 right, 2 down, 3 left)."""


# --- bandits -------------------------------------------------------------------------


def epsilon_greedy_action(estimates, epsilon: float, rng: np.random.Generator) -> int:
    """With probability ``epsilon`` a random arm (exploration), otherwise the best estimate.

    Ties between best estimates go to the lowest index, like ``np.argmax``.
    """
    estimates = np.asarray(estimates, dtype=float)
    if rng.random() < epsilon:
        return int(rng.integers(estimates.size))
    return int(np.argmax(estimates))


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
) -> BanditResult:
    """Play a Bernoulli bandit ``runs`` times for ``steps`` pulls each, all runs at once.

    Parameters
    ----------
    probabilities : chance of a reward of 1 for each arm
    strategy : ``"epsilon-greedy"`` (``epsilon=0`` is purely greedy) or ``"ucb"``
    steps, runs : length and number of independent runs
    epsilon, c : the strategy's exploration setting
    seed : seed of the NumPy generator; the same seed gives the same result
    """
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
            arms = np.argmax(scores, axis=1)
        else:
            greedy = np.argmax(estimates, axis=1)
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


def greedy_policy(Q) -> np.ndarray:
    """The action with the highest value in each state (one entry per state)."""
    return np.argmax(np.asarray(Q), axis=1)


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
