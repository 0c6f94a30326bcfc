"""Exercises of unit 20, reinforcement learning (``solutions/20_reinforcement_learning.ipynb``).

Data: a bandit's estimates the checks define (epsilon-greedy), hand-made episodes and random walks (Monte Carlo),
two hand-made tables of action values, 5 states x 3 actions and 3 x 6 (Expected SARSA), hand-made Markov decision processes,
gymnasium's ``FrozenLake-v1`` (4x4 and 8x8 maps, slippery, and the 4x4 map without
slipping for the trained agent). A learner's functions are called on cases the checks make
themselves (fixed seeds); a learner's policy is followed greedily in a fresh
environment. Reference: :mod:`mlkit.topics.reinforcement`. Three exercises ask the learner to write
what that module provides (epsilon-greedy choice, first-visit Monte Carlo, the Expected SARSA target);
their checks withhold its helpers while the learner's function runs
(:mod:`mlkit.course.checks.withheld`), so that an answer calling them is refused.

The unit's exercises ``q_update`` (the Q-learning update), ``sarsa_update`` (the SARSA update) and
``ucb`` (upper confidence bounds) were retired; the lesson still teaches all three, and progress
recorded under the old ids is ignored by :mod:`mlkit.course.progress`, which counts only the ids a
unit has.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import functools
import numbers

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import as_labels, as_vector, as_whole_number, expect_choice, expect_number

EXERCISES = ExerciseSet("reinforcement-learning", "Reinforcement learning")

LAKE_ID = "FrozenLake-v1"


# A share of draws estimated from n independent draws has the standard deviation sqrt(p (1 - p) / n).
# The epsilon-greedy check refuses a share more than BAND_SDS of them away from the share p a right
# answer has. For one share of the sizes below (p from 1/6 to 0.85, 3000 or 4000 draws) the exact binomial
# chance that a right answer falls outside is about 3e-9 (tests/test_reinforcement_learning.py computes
# it), so below 1e-7 for the 14 shares the check tests in all. The generators are seeded, so a right
# answer's verdict is in any case the same on every run; the band only has to be wide enough that no
# right way of drawing (rng.choice, rng.integers, a permutation, ...) lands outside it by chance.
BAND_SDS = 6
DRAWS = 4000
TIE_DRAWS = 3000
WITHHELD_BANDIT = ("epsilon_greedy_action", "argmax_random", "epsilon_greedy_probabilities")
WITHHELD_MC = ("mc_values", "mc_returns")
WITHHELD_EXPECTED_SARSA = ("expected_sarsa_target", "epsilon_greedy_probabilities")


def _rl_withheld(names, exercise: str):
    """The kit's helpers ``names`` withheld while the learner's ``exercise`` runs (see :mod:`~mlkit.course.checks.withheld`)."""
    from mlkit.course.checks.withheld import withheld
    from mlkit.topics import reinforcement as rl

    return withheld(rl, names, exercise=exercise, alias="rl")


def _outside_band(shares, expected, draws: int):
    """Which ``shares`` (of ``draws`` draws) lie more than ``BAND_SDS`` standard deviations from ``expected``."""
    import numpy as np

    shares, expected = np.asarray(shares, dtype=float), np.asarray(expected, dtype=float)
    return np.abs(shares - expected) > BAND_SDS * np.sqrt(expected * (1 - expected) / draws)


def _percentages(shares) -> str:
    """``"47%, 27% and 27%"``."""
    texts = [f"{share:.0%}" for share in shares]
    return ", ".join(texts[:-1]) + " and " + texts[-1] if len(texts) > 1 else texts[0]


def _learner_arm(function, estimates, epsilon, rng, name):
    arm = call_learner(function, estimates.copy(), epsilon, rng)
    if arm is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if isinstance(arm, bool) or not isinstance(arm, numbers.Real):
        raise Incorrect(f"`{name}` should return the index of an arm (a whole number), not a {type(arm).__name__}.")
    index = as_whole_number(arm, name=f"{name}(...)", what="the index of an arm, a whole number")
    if not 0 <= index < estimates.size:
        raise Incorrect(f"`{name}` returned arm {index}, but there are only {estimates.size} arms (0 to "
                        f"{estimates.size - 1}).")
    return index


def _shares(function, estimates, epsilon, seed: int, draws: int, name: str):
    """The share of ``draws`` calls in which ``function`` picked each arm, with a generator seeded ``seed``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    picks = [_learner_arm(function, estimates, epsilon, rng, name) for _ in range(draws)]
    return np.bincount(picks, minlength=estimates.size) / draws


def _arms_drawn(function, seed: int, name: str, calls: int = 40) -> list[int]:
    """The arms ``function`` picks in ``calls`` calls with epsilon 0.5 and a generator seeded ``seed``.

    Two arms share the best estimate, so that a tie broken with another generator than
    ``rng`` (``np.random``, the ``random`` module) shows as well as exploring with one.
    """
    import numpy as np

    estimates = np.array([0.1, 0.7, 0.3, 0.7])
    rng = np.random.default_rng(seed)
    return [_learner_arm(function, estimates, 0.5, rng, name) for _ in range(calls)]


# --- 1. epsilon-greedy --------------------------------------------------------------------


@EXERCISES.exercise(
    "epsilon_greedy",
    title="Choose an arm epsilon-greedily",
    hints=(
        "Draw one uniform number with `rng.random()`. If it is below `epsilon`, explore; otherwise exploit.",
        "Exploring means any arm at random, `rng.integers(len(estimates))`; exploiting means an arm with the "
        "highest estimate. `np.argmax` always returns the first of tied arms: find all of them with "
        "`np.flatnonzero(estimates == estimates.max())` and draw one with `rng.choice`.",
        "`if rng.random() < epsilon: return int(rng.integers(len(estimates)))`, then "
        "`best = np.flatnonzero(estimates == np.max(estimates))` and `return int(rng.choice(best))`",
    ),
)
def epsilon_greedy(choose_arm):
    """Calls ``choose_arm`` thousands of times with seeded generators and tests the shares of the arms.

    Four arms with one best (epsilon 0, 1 and 0.2), six arms explored (epsilon 1), and five arms of
    which three tie for the best (epsilon 0). Each share must lie within ``BAND_SDS`` binomial standard
    deviations of a right answer's (see the comment above ``BAND_SDS``). The kit's own
    ``rl.epsilon_greedy_action``, ``rl.argmax_random`` and ``rl.epsilon_greedy_probabilities`` are
    withheld while ``choose_arm`` runs (:mod:`mlkit.course.checks.withheld`).
    """
    if not callable(choose_arm):
        raise Incorrect(f"`choose_arm` should be a function, but it is a {type(choose_arm).__name__}.")
    with _rl_withheld(WITHHELD_BANDIT, "choose_arm"):   # once around the thousands of calls below
        return _judge_choose_arm(choose_arm)


def _judge_choose_arm(choose_arm):
    import numpy as np

    estimates = np.array([0.1, 0.7, 0.3, 0.5])
    rng = np.random.default_rng(1)
    greedy_only = [_learner_arm(choose_arm, estimates, 0.0, rng, "choose_arm") for _ in range(50)]
    if any(arm != 1 for arm in greedy_only):
        raise Incorrect("with `epsilon=0` the function should always exploit, picking the arm with the highest "
                        "estimate; yours sometimes picks another.")
    random_only = _shares(choose_arm, estimates, 1.0, 2, DRAWS, "choose_arm")
    if _outside_band(random_only, 1 / 4, DRAWS).any():
        if random_only[1] > 0.9:
            raise Incorrect("with `epsilon=1` the function should always explore, picking arms at random; yours "
                            "keeps picking the best-looking arm.")
        shares = ", ".join(f"{share:.0%}" for share in random_only)
        raise Incorrect(f"with `epsilon=1` every arm should be picked about equally often; yours picked the four "
                        f"arms {shares} of the time.")
    _check_exploring_six_arms(choose_arm)
    share = _shares(choose_arm, estimates, 0.2, 4, DRAWS, "choose_arm")[1]
    expected = 0.8 + 0.2 / 4
    if _outside_band(share, expected, DRAWS):
        if not _outside_band(share, 0.2 + 0.8 / 4, DRAWS):
            raise Incorrect("with `epsilon=0.2` your function explores most of the time: it should explore with "
                            "probability `epsilon` and exploit otherwise, not the other way round.")
        raise Incorrect(f"with `epsilon=0.2` the best-looking arm was picked {share:.0%} of the time, which does "
                        "not fit exploring with probability `epsilon`, among all arms.")
    if _arms_drawn(choose_arm, 7, "choose_arm") != _arms_drawn(choose_arm, 7, "choose_arm"):
        raise Incorrect("given two generators seeded alike, `choose_arm` picked different arms: its choices do not "
                        "come from `rng` alone. Draw every random number from `rng` (`rng.random()`, "
                        "`rng.integers(...)`), so that runs repeat.")
    if _arms_drawn(choose_arm, 7, "choose_arm") == _arms_drawn(choose_arm, 8, "choose_arm"):
        raise Incorrect("given generators seeded differently, `choose_arm` picked the same arms: its random choices "
                        "do not come from `rng`. Draw every random number from `rng`.")
    _check_random_ties(choose_arm)
    return "exploits when the draw is above epsilon, breaking ties at random, and explores among all the arms otherwise."


def _check_exploring_six_arms(choose_arm):
    """Exploring with six arms: every arm, each a sixth of the time (the lesson's bandits have four or five)."""
    import numpy as np

    estimates = np.array([0.4, -0.2, 0.9, 0.1, 0.3, 0.0])
    picked = _shares(choose_arm, estimates, 1.0, 5, TIE_DRAWS, "choose_arm")
    if not _outside_band(picked, 1 / 6, TIE_DRAWS).any():
        return
    never = np.flatnonzero(picked == 0).tolist()
    if never:
        arms = ", ".join(str(a) for a in never)
        raise Incorrect(f"with `epsilon=1` and six arms your function never picked arm{'s' if len(never) > 1 else ''} "
                        f"{arms}: exploring should pick any of the `len(estimates)` arms, however many there are.")
    raise Incorrect(f"with `epsilon=1` and six arms every arm should be picked about equally often; yours picked "
                    f"them {_percentages(picked)} of the time.")


def _check_random_ties(choose_arm):
    import numpy as np

    estimates = np.array([0.2, 0.6, 0.1, 0.6, 0.6])
    picked = _shares(choose_arm, estimates, 0.0, 3, TIE_DRAWS, "choose_arm")
    if picked[[0, 2]].sum() > 0:
        raise Incorrect("with `epsilon=0` and several arms sharing the highest estimate, your function sometimes "
                        "picked an arm that is not among the best.")
    if picked.max() > 0.9:
        raise Incorrect("with `epsilon=0` and three arms sharing the highest estimate, your function (almost) "
                        "always picks the same one; break ties at random among all the best arms (`np.argmax` "
                        "always returns the first).")
    tied = picked[[1, 3, 4]]
    if _outside_band(tied, 1 / 3, TIE_DRAWS).any():
        raise Incorrect(f"with `epsilon=0` and three arms sharing the highest estimate, the tied arms are not "
                        f"picked equally often: yours picked them {_percentages(tied)} of the time, over "
                        f"{TIE_DRAWS} draws. Each tied arm should be equally likely.")


@epsilon_greedy.wrong_answer
def epsilon_greedy_never_explores():
    import numpy as np

    return Answer.of(lambda estimates, epsilon, rng: int(np.argmax(estimates)))


@epsilon_greedy.wrong_answer
def epsilon_greedy_ties_to_the_first_arm():
    import numpy as np

    def choose(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        return int(np.argmax(estimates))

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_ties_between_the_first_two():
    import numpy as np

    def choose(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == np.max(estimates))
        return int(rng.choice(best[:2]))

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_ties_off_by_one():
    """An off-by-one index clamped into range: the last tied arm gets twice its share (1/4, 1/4, 1/2)."""
    import numpy as np

    def choose(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == np.max(estimates))
        return int(best[min(rng.integers(len(best) + 1), len(best) - 1)])

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_ties_favour_the_first():
    """One exploiting choice in five goes to the first tied arm: shares 47%, 27%, 27% among three."""
    import numpy as np

    def choose(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(len(estimates)))
        best = np.flatnonzero(estimates == np.max(estimates))
        return int(best[0]) if rng.random() < 0.2 else int(rng.choice(best))

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_explores_four_arms():
    """The number of arms hard-coded as 4, the size of the first bandit the check tries."""
    import numpy as np

    def choose(estimates, epsilon, rng):
        if rng.random() < epsilon:
            return int(rng.integers(4))
        return int(rng.choice(np.flatnonzero(estimates == np.max(estimates))))

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_calls_the_kit():
    from mlkit.topics import reinforcement as rl

    return Answer.of(lambda estimates, epsilon, rng: rl.epsilon_greedy_action(estimates, epsilon, rng))


@epsilon_greedy.wrong_answer
def epsilon_greedy_inverted():
    import numpy as np

    def choose(estimates, epsilon, rng):
        if rng.random() < 1 - epsilon:
            return int(rng.integers(len(estimates)))
        return int(rng.choice(np.flatnonzero(estimates == np.max(estimates))))

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_explores_only_the_others():
    import numpy as np

    def choose(estimates, epsilon, rng):
        best = int(np.argmax(estimates))
        if rng.random() < epsilon:
            others = [a for a in range(len(estimates)) if a != best]
            return int(rng.choice(others))
        return best

    return Answer.of(choose)


@epsilon_greedy.wrong_answer
def epsilon_greedy_global_generator():
    import numpy as np

    def choose(estimates, epsilon, rng):
        if np.random.random() < epsilon:
            return int(np.random.randint(len(estimates)))
        return int(np.random.choice(np.flatnonzero(estimates == np.max(estimates))))

    return Answer.of(choose)


# --- 2. first-visit Monte Carlo ------------------------------------------------------------------


def _mc_cases():
    """(what, episodes, n_states, gamma): episodes as (states, rewards) lists; states repeat within
    episodes, some episodes leave a state out, and one case has a state no episode visits."""
    import numpy as np

    hand_made = [
        ([0, 1, 0, 2], [1.0, -2.0, 0.5, 3.0]),
        ([1, 2, 1, 3], [0.0, 2.0, -1.0, 4.0]),
        ([3, 3, 0], [1.0, 1.0, -3.0]),
    ]
    cases = [("three hand-made episodes with gamma 0.9", hand_made, 4, 0.9),
             ("the same episodes with a fifth state that none of them visits", hand_made, 5, 0.9)]
    rng = np.random.default_rng(20)
    walks = []
    for _ in range(12):  # a walk on six states from state 2, rewards drawn at each step, ending at either side
        state, states, rewards = 2, [], []
        while 0 <= state < 6:
            states.append(state)
            rewards.append(round(float(rng.normal(1.0, 2.0)), 2))
            state += 1 if rng.random() < 0.55 else -1
        walks.append((states, rewards))
    cases.append(("twelve random walks on six states with gamma 0.8", walks, 6, 0.8))
    cases.append(("the same walks without discount (gamma 1)", walks, 6, 1.0))
    return cases


def _mc_reference(episodes, n_states, gamma, *, visits="first", shift=0):
    """Monte Carlo estimates, right (``visits="first"``, ``shift=0``) or with a named mistake:
    ``visits`` "every" or "last"; ``shift=1`` discounts the first reward too; ``visits="per-episode"``
    divides by the number of episodes rather than by the visits."""
    import numpy as np

    sums, counts = np.zeros(n_states), np.zeros(n_states)
    for states, rewards in episodes:
        returns = np.zeros(len(states))
        following = 0.0
        for t in range(len(states) - 1, -1, -1):
            following = gamma**shift * rewards[t] + gamma * following
            returns[t] = following
        seen = {}
        for t, s in enumerate(states):
            if visits == "every":
                sums[s] += returns[t]
                counts[s] += 1
            elif visits == "last" or s not in seen:
                seen[s] = t
        if visits != "every":
            for s, t in seen.items():
                sums[s] += returns[t]
                counts[s] += 1
    if visits == "per-episode":
        return sums / len(episodes)
    return np.divide(sums, counts, out=np.zeros(n_states), where=counts > 0)


@EXERCISES.exercise(
    "first_visit",
    title="Estimate state values by first-visit Monte Carlo",
    hints=(
        "First the return after every step of an episode, `G_t = r_{t+1} + gamma * G_{t+1}`: work backwards "
        "from the last reward, where `G` is just that reward. Then, for each state, keep only the return after "
        "its *first* visit in the episode.",
        "Keep two arrays over the states, a sum of returns and a count. A set of the states already seen in the "
        "episode tells a first visit from a later one; each state's estimate is its sum divided by its count "
        "(the number of episodes that visited it, not the number of episodes).",
        "`G = 0.0`; `for t in reversed(range(len(states))): G = rewards[t] + gamma * G; returns[t] = G`; then "
        "`for t, s in enumerate(states): if s not in seen: seen.add(s); sums[s] += returns[t]; counts[s] += 1`; "
        "`return sums / np.maximum(counts, 1)`",
    ),
)
def first_visit(first_visit_values):
    """Calls ``first_visit_values`` on hand-made episodes and random walks, with and without discount.

    The kit's ``rl.mc_values`` and ``rl.mc_returns`` are withheld while it runs
    (:mod:`mlkit.course.checks.withheld`).
    """
    import numpy as np

    if not callable(first_visit_values):
        raise Incorrect(f"`first_visit_values` should be a function, but it is a "
                        f"{type(first_visit_values).__name__}.")
    for what, episodes, n_states, gamma in _mc_cases():
        given = [(list(states), list(rewards)) for states, rewards in episodes]
        with _rl_withheld(WITHHELD_MC, "first_visit_values"):
            got = call_learner(first_visit_values, given, n_states, gamma)
        if got is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        got = as_vector(got, name="first_visit_values(...)", length=n_states,
                        what=f"one value per state ({n_states} for {what})")
        expected = _mc_reference(episodes, n_states, gamma)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        unvisited = np.ones(n_states, dtype=bool)
        unvisited[[s for states, _ in episodes for s in states]] = False
        visited = ~unvisited
        if unvisited.any() and np.allclose(got[visited], expected[visited]):
            raise Incorrect(f"for {what} the visited states' values are right, but a state that no episode visits "
                            "should get 0 (there is no return to average), not "
                            f"{'NaN (a division by zero)' if np.isnan(got[unvisited]).any() else 'another value'}.")
        if np.allclose(got, _mc_reference(episodes, n_states, gamma, visits="every")):
            raise Incorrect(f"for {what} your values average the returns after *every* visit of a state; "
                            "first-visit Monte Carlo counts only the return after its first visit in each episode.")
        if np.allclose(got, _mc_reference(episodes, n_states, gamma, visits="last")):
            raise Incorrect(f"for {what} your values use the return after the *last* visit of a state in each "
                            "episode; first-visit Monte Carlo uses the return after its first visit.")
        if gamma < 1 and np.allclose(got, _mc_reference(episodes, n_states, gamma, shift=1)):
            raise Incorrect(f"for {what} every return is discounted one step too many: the reward of the step "
                            "itself counts in full, `G_t = r_{t+1} + gamma * r_{t+2} + ...`.")
        if gamma < 1 and np.allclose(got, _mc_reference(episodes, n_states, 1.0)):
            raise Incorrect(f"for {what} the returns are not discounted: a reward k steps after the first "
                            "counts `gamma**k` times.")
        if np.allclose(got, _mc_reference(episodes, n_states, gamma, visits="per-episode")):
            raise Incorrect(f"for {what} each state's sum of returns is divided by the number of episodes; "
                            "divide by the number of episodes that visited the state.")
        raise Incorrect(f"for {what} the values are not the averages of the first-visit returns.")
    return "each state's value is the mean of the discounted returns that followed its first visit in each episode."


@first_visit.wrong_answer
def first_visit_every_visit():
    return Answer.of(lambda episodes, n, gamma: _mc_reference(episodes, n, gamma, visits="every"))


@first_visit.wrong_answer
def first_visit_discounts_the_first_reward():
    return Answer.of(lambda episodes, n, gamma: _mc_reference(episodes, n, gamma, shift=1))


@first_visit.wrong_answer
def first_visit_last_visit():
    return Answer.of(lambda episodes, n, gamma: _mc_reference(episodes, n, gamma, visits="last"))


@first_visit.wrong_answer
def first_visit_divides_by_the_episodes():
    return Answer.of(lambda episodes, n, gamma: _mc_reference(episodes, n, gamma, visits="per-episode"))


@first_visit.wrong_answer
def first_visit_forward_sum():
    """The return accumulated from the start of the episode instead of to its end."""
    import numpy as np

    def values(episodes, n, gamma):
        sums, counts = np.zeros(n), np.zeros(n)
        for states, rewards in episodes:
            seen, total = set(), 0.0
            for t, s in enumerate(states):
                total += gamma**t * rewards[t]
                if s not in seen:
                    seen.add(s)
                    sums[s] += total
                    counts[s] += 1
        return sums / np.maximum(counts, 1)

    return Answer.of(values)


@first_visit.wrong_answer
def first_visit_calls_the_kit():
    from mlkit.topics import reinforcement as rl

    return Answer.of(lambda episodes, n, gamma: rl.mc_values(episodes, n, gamma))


# --- 3. the Expected SARSA target ----------------------------------------------------------------

def _expected_sarsa_tables():
    """Two tables of action values that are not square, with other numbers of actions than the lesson's
    four: 5 states x 3 actions and 3 states x 6 actions, so that a `k` read off the wrong axis of `Q`
    (its number of states) or written as a number shows."""
    import numpy as np

    five_by_three = np.array([
        [-2.0, -5.0, -2.0],     # two actions tie for the best
        [1.0, 4.0, -3.0],       # a single best action
        [0.5, -1.0, 2.5],
        [-6.0, -2.5, -7.0],
        [3.0, 3.0, -1.0],
    ])
    three_by_six = np.array([
        [-1.5, -1.5, -4.0, -1.5, -6.0, -2.0],   # three actions tie for the best
        [2.0, -1.0, 0.5, 3.5, 1.0, -2.0],       # a single best action
        [0.0, 4.0, -3.0, 4.0, 1.0, -5.0],       # two actions tie for the best
    ])
    return {"5x3": five_by_three, "3x6": three_by_six}


_EXPECTED_SARSA_CASES = (
    # table, reward, next_state, terminated, epsilon, gamma
    ("5x3", -1.0, 0, False, 0.1, 1.0),   # two of three actions tie for the best
    ("5x3", 2.0, 1, False, 0.2, 0.9),    # a single best action
    ("3x6", 0.5, 0, False, 0.3, 0.8),    # three of six actions tie for the best
    ("3x6", -1.0, 1, False, 0.0, 1.0),   # no exploring: the greedy value
    ("5x3", 1.0, 3, False, 1.0, 0.9),    # always exploring: the plain mean
    ("3x6", 2.0, 2, False, 0.25, 0.95),  # two of six actions tie
    ("3x6", 1.5, 1, False, 0.4, 0.9),    # a single best of six
    ("5x3", 3.0, 2, True, 0.1, 0.9),     # the episode ended
)


def _expected_sarsa_answer(Q, reward, next_state, terminated, epsilon, gamma, *, spread="right", k=None):
    """The Expected SARSA target, or a named mistake in the policy's chances (``spread``):
    "each" (every tied action gets the whole greedy share), "others" (exploring only among the other
    actions), "no-explore-share" (the tied actions get no share of exploring); ``k`` another number
    of actions in the exploring share ``epsilon / k``.

    How the greedy share is split among exactly tied actions does not change the target (they have the
    same value); only the total share of the tied actions does."""
    import numpy as np

    if terminated:
        return float(reward)
    values = Q[next_state]
    k = len(values) if k is None else k
    best = values == values.max()
    if spread == "each":
        pi = epsilon / k + (1 - epsilon) * best
    elif spread == "others":
        pi = np.where(best, (1 - epsilon) / best.sum(), epsilon / max(k - best.sum(), 1))
    elif spread == "no-explore-share":
        pi = np.where(best, (1 - epsilon) / best.sum(), epsilon / k)
    else:
        pi = epsilon / k + (1 - epsilon) * best / best.sum()
    return float(reward + gamma * pi @ values)


@EXERCISES.exercise(
    "expected_sarsa",
    title="Compute the Expected SARSA target",
    hints=(
        "Expected SARSA replaces the value of the one action taken next by the average of the next state's "
        "action values, each weighted by the chance that the epsilon-greedy policy takes that action. After the "
        "end of the episode there is no next state.",
        "With k actions, exploring gives every action `epsilon / k`. The remaining `1 - epsilon` goes to the "
        "greedy choice, shared equally among the m actions tied for the best value, so each of them gets "
        "`(1 - epsilon) / m` on top. The chances add up to 1.",
        "`values = Q[next_state]`; `best = values == values.max()`; "
        "`pi = epsilon / len(values) + (1 - epsilon) * best / best.sum()`; "
        "`return reward if terminated else reward + gamma * pi @ values`",
    ),
)
def expected_sarsa(expected_sarsa_target):
    """Calls ``expected_sarsa_target`` on two tables that are not square (5 states x 3 actions, 3 x 6).

    The kit's ``rl.expected_sarsa_target`` and ``rl.epsilon_greedy_probabilities`` are withheld while it
    runs (:mod:`mlkit.course.checks.withheld`).
    """
    import numpy as np

    if not callable(expected_sarsa_target):
        raise Incorrect(f"`expected_sarsa_target` should be a function, but it is a "
                        f"{type(expected_sarsa_target).__name__}.")
    tables = _expected_sarsa_tables()
    for name, *case in _EXPECTED_SARSA_CASES:
        Q = tables[name]
        reward, s2, done, epsilon, gamma = case
        with _rl_withheld(WITHHELD_EXPECTED_SARSA, "expected_sarsa_target"):
            got = call_learner(expected_sarsa_target, Q.copy(), *case)
        if got is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        value = expect_number(got, name="expected_sarsa_target(...)")
        expected = _expected_sarsa_answer(Q, reward, s2, done, epsilon, gamma)
        if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            continue
        n_states, k = Q.shape
        where = (f"with a table of {n_states} states x {k} actions, for reward {reward}, next state {s2}, "
                 f"terminated={done}, epsilon={epsilon}, gamma={gamma}")
        if done and np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, gamma)):
            raise Incorrect(f"{where} your target adds the values of the next state, but the episode has ended: "
                            "there is nothing more to earn, and the target is the reward alone.")
        if done:
            raise Incorrect(f"{where} the target is not right: after the end of the episode it is the reward alone.")
        ties = int((Q[s2] == Q[s2].max()).sum())
        if epsilon > 0 and np.isclose(value, reward + gamma * Q[s2].max()):
            raise Incorrect(f"{where} the target uses the best next value: that is Q-learning's target. Expected "
                            "SARSA averages the next values over the epsilon-greedy policy's chances, exploring "
                            "included.")
        if gamma != 1 and np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, 1.0)):
            raise Incorrect(f"{where} the next values are not discounted: multiply their average by `gamma`.")
        if ties > 1 and np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, gamma, spread="each")):
            raise Incorrect(f"{where} {ties} actions tie for the best next value, and each of them gets the whole "
                            "greedy share `1 - epsilon`, so the chances add up to more than 1. The greedy choice "
                            "picks one of the tied actions at random: they share `1 - epsilon` equally.")
        if np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, gamma, spread="others")):
            raise Incorrect(f"{where} your policy explores only among the actions that are not the best; "
                            "exploring picks any of the actions, the best ones included, `epsilon / k` each.")
        if np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, gamma, spread="no-explore-share")):
            raise Incorrect(f"{where} the chances of your policy do not add up to 1: the best actions also get "
                            "their share `epsilon / k` of exploring, on top of the greedy share.")
        if np.isclose(value, reward + gamma * Q[s2].mean()) and epsilon < 1:
            raise Incorrect(f"{where} the next values are averaged with equal weights: that is a policy that "
                            "always explores. Weight the best actions by their greedy share as well.")
        if epsilon > 0 and np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, gamma, k=n_states)):
            raise Incorrect(f"{where} the exploring share is `epsilon` divided by the number of states "
                            f"(`len(Q)`, {n_states}): divide by the number of actions, the length of the row "
                            "`Q[next_state]`.")
        other_k = [c for c in range(1, 13) if c not in (k, n_states) and epsilon > 0
                   and np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, epsilon, gamma, k=c))]
        if other_k:
            raise Incorrect(f"{where} the exploring share fits `epsilon / {other_k[0]}`, as if there were "
                            f"{other_k[0]} actions: divide by the number of actions of this table, the length of "
                            "the row `Q[next_state]`, whatever it is.")
        if np.isclose(value, _expected_sarsa_answer(Q, reward, s2, False, 1 - epsilon, gamma)):
            raise Incorrect(f"{where} `epsilon` and `1 - epsilon` are the wrong way round: the policy explores "
                            "with probability `epsilon`.")
        raise Incorrect(f"{where} the target is not the reward plus `gamma` times the next values averaged "
                        "over the epsilon-greedy policy.")
    return "the reward plus the next values averaged over the epsilon-greedy policy, ties sharing the greedy part, and the reward alone after the end."


@expected_sarsa.wrong_answer
def expected_sarsa_is_q_learning():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: r if done else r + gamma * Q[s2].max())


@expected_sarsa.wrong_answer
def expected_sarsa_whole_greedy_share_to_each_tie():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, done, eps, gamma,
                                                                               spread="each"))


@expected_sarsa.wrong_answer
def expected_sarsa_undiscounted():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, done, eps, 1.0))


@expected_sarsa.wrong_answer
def expected_sarsa_explores_only_the_others():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, done, eps, gamma,
                                                                               spread="others"))


@expected_sarsa.wrong_answer
def expected_sarsa_best_actions_without_their_exploring_share():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, done, eps, gamma,
                                                                               spread="no-explore-share"))


@expected_sarsa.wrong_answer
def expected_sarsa_ignores_the_end():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, False, eps, gamma))


@expected_sarsa.wrong_answer
def expected_sarsa_plain_mean():
    return Answer.of(lambda Q, r, s2, done, eps, gamma: r if done else r + gamma * Q[s2].mean())


@expected_sarsa.wrong_answer
def expected_sarsa_k_from_states():
    """The number of actions read off the wrong axis: ``len(Q)`` is the number of states."""
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, done, eps, gamma,
                                                                               k=len(Q)))


@expected_sarsa.wrong_answer
def expected_sarsa_k_is_four():
    """The number of actions hard-coded as 4, as on the lesson's cliff and lake."""
    return Answer.of(lambda Q, r, s2, done, eps, gamma: _expected_sarsa_answer(Q, r, s2, done, eps, gamma, k=4))


@expected_sarsa.wrong_answer
def expected_sarsa_calls_the_kit():
    from mlkit.topics import reinforcement as rl

    return Answer.of(lambda Q, r, s2, done, eps, gamma: rl.expected_sarsa_target(r, Q[s2], done, gamma, eps))


# --- 4. value iteration ---------------------------------------------------------------------------


def _hand_made_mdp():
    """Three states, two actions; action 1 in state 2 ends the episode with a reward of 10."""
    import numpy as np

    T = np.zeros((3, 2, 3))
    T[0, 0] = [0.5, 0.5, 0.0]  # stay or move on, at random
    T[0, 1] = [0.0, 0.2, 0.8]  # a risky jump
    T[1, 0] = [0.0, 0.0, 1.0]
    T[1, 1] = [1.0, 0.0, 0.0]
    T[2, 0] = [0.3, 0.0, 0.7]
    T[2, 1] = [0.0, 0.0, 0.0]  # ends the episode
    R = np.array([[-1.0, -3.0], [-1.0, 0.5], [-0.5, 10.0]])
    return T, R


def _value_iteration_cases():
    """(what, T, R, gamma): the model a learner's function gets, and the reference values from it."""
    import gymnasium as gym

    from mlkit.topics import reinforcement as rl

    T, R = _hand_made_mdp()
    cases = [("a hand-made 3-state MDP with gamma 0.9", T, R, 0.9)]
    for name, gamma in (("4x4", 0.95), ("8x8", 0.9)):
        mdp = rl.mdp_from_env(gym.make("FrozenLake-v1", map_name=name))
        cases.append((f"FrozenLake {name} with gamma {gamma}", mdp.continuing, mdp.expected_reward, gamma))
    return cases


def _rounded_places(got, expected, most: int = 5):
    """The decimal places (1 to ``most``) to which ``got`` is rounded, if every value lies on that grid and
    within half a step of ``expected``; else None.

    Rounding the learner's own values (within about 1e-9 of ``expected``) can differ from rounding
    ``expected`` where a value sits on a rounding boundary, so the grid is read off ``got`` itself.
    float32 values lie on the grid to float32's precision.
    """
    import numpy as np

    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    for places in range(1, most + 1):
        on_grid = np.all(np.abs(got - np.round(got, places)) <= 2e-7 * np.maximum(1.0, np.abs(got)))
        if on_grid and np.max(np.abs(got - expected)) <= 0.5 * 10.0**-places + 1e-7:
            return places
    return None


def _values_from(T, R, gamma, backup, sweeps=10_000):
    import numpy as np

    V = np.zeros(T.shape[0])
    for _ in range(sweeps):
        new = backup(R + gamma * T @ V)
        if np.max(np.abs(new - V)) < 1e-12:
            return new
        V = new
    return V


def _best_next_values(T, R, gamma, sweeps=2000):
    """Value iteration with each action valued by its best reachable next state (no expectation): a mistake."""
    import numpy as np

    V = np.zeros(T.shape[0])
    for _ in range(sweeps):
        best_next = np.where(T > 0, V[None, None, :], -np.inf).max(axis=2)
        new = (R + gamma * np.where(np.isfinite(best_next), best_next, 0.0)).max(axis=1)
        if np.max(np.abs(new - V)) < 1e-12:
            return new
        V = new
    return V


@EXERCISES.exercise(
    "value_iteration",
    title="Find the optimal values by value iteration",
    hints=(
        "Start from `V = np.zeros(n_states)`. One sweep computes every action value "
        "`Q[s, a] = R[s, a] + gamma * sum_t T[s, a, t] * V[t]` and keeps the best action's value in each state.",
        "With arrays: `Q = R + gamma * T @ V` has shape (states, actions); `V_new = Q.max(axis=1)`. Repeat until "
        "the largest change `np.max(np.abs(V_new - V))` is below a small tolerance such as `1e-10`.",
        "`V = np.zeros(T.shape[0])`; loop: `new = (R + gamma * T @ V).max(axis=1)`; if "
        "`np.max(np.abs(new - V)) < 1e-10: break`; `V = new`; after the loop, `return new`",
    ),
)
def value_iteration(value_iteration):
    import numpy as np

    if not callable(value_iteration):
        raise Incorrect(f"`value_iteration` should be a function, but it is a {type(value_iteration).__name__}.")
    for what, T, R, gamma in _value_iteration_cases():
        got = call_learner(value_iteration, T.copy(), R.copy(), gamma)
        if got is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        n = T.shape[0]
        got = as_vector(got, name="value_iteration(...)", length=n, what=f"one value per state ({n} for {what})")
        expected = _values_from(T, R, gamma, lambda Q: Q.max(axis=1))
        if np.allclose(got, expected, atol=1e-6):
            continue
        if np.allclose(got, R.max(axis=1), atol=1e-6):
            raise Incorrect(f"for {what} the values are just the best immediate reward: one sweep is not enough; "
                            "repeat the sweeps until the values stop changing.")
        if np.allclose(got, _values_from(T, R, gamma, lambda Q: Q.mean(axis=1)), atol=1e-6):
            raise Incorrect(f"for {what} the values average over the actions: that evaluates the random policy. "
                            "Value iteration keeps the best action's value in each state.")
        if np.allclose(got, 0.0):
            raise Incorrect(f"for {what} every value is 0: the rewards `R` never entered the sweeps.")
        places = _rounded_places(got, expected)
        if places is not None:
            raise Incorrect(f"for {what} your values are right to {places} decimal place{'s' if places > 1 else ''}, "
                            "but rounded: return them as the sweeps leave them (do not round them).")
        moved = float(np.max(np.abs((R + gamma * T @ got).max(axis=1) - got)))
        if moved > 1e-8 and np.allclose(got, expected, atol=1e-2):
            raise Incorrect(f"for {what} your values are close, but one more sweep from them still moves them by "
                            f"up to {moved:.1e}: they have not settled. Did the loop stop before the largest change "
                            "was below 1e-10?")
        if gamma < 1 and np.allclose(got, _values_from(T, R, 1.0, lambda Q: Q.max(axis=1)), atol=1e-6):
            raise Incorrect(f"for {what} the values are those of gamma = 1: the next state's value is not "
                            "discounted by `gamma`.")
        if np.allclose(got, _best_next_values(T, R, gamma), atol=1e-6):
            raise Incorrect(f"for {what} each action is valued by its best next state, as if the move could be "
                            "chosen: weight each next state's value by its probability `T[s, a, t]` (an expected "
                            "value).")
        if np.all(got >= expected - 1e-9):
            raise Incorrect(f"for {what} some values are higher than the Bellman optimality equation allows, and "
                            "none is lower.")
        raise Incorrect(f"for {what} the values do not satisfy the Bellman optimality equation "
                        "V(s) = max over a of (R[s, a] + gamma * sum over t of T[s, a, t] V(t)).")
    return "the values settle where each state's value is its best action's reward plus the discounted expected value onwards."


@value_iteration.wrong_answer
def value_iteration_mean_over_actions():
    import numpy as np

    def solve(T, R, gamma):
        return _values_from(np.asarray(T), np.asarray(R), gamma, lambda Q: Q.mean(axis=1))

    return Answer.of(solve)


@value_iteration.wrong_answer
def value_iteration_one_sweep():
    import numpy as np

    return Answer.of(lambda T, R, gamma: np.asarray(R).max(axis=1))


@value_iteration.wrong_answer
def value_iteration_best_next_state():
    import numpy as np

    def solve(T, R, gamma):
        V = np.zeros(T.shape[0])
        for _ in range(2000):
            best_next = np.where(T > 0, V[None, None, :], -np.inf).max(axis=2)
            V = (R + gamma * np.where(np.isfinite(best_next), best_next, 0.0)).max(axis=1)
        return V

    return Answer.of(solve)


@value_iteration.wrong_answer
def value_iteration_without_discount():
    import numpy as np

    def solve(T, R, gamma):
        V = np.zeros(T.shape[0])
        for _ in range(3000):
            V = (R + T @ V).max(axis=1)
        return V

    return Answer.of(solve)


# --- 5. a policy that crosses a frozen lake --------------------------------------------------


def _lake():
    """gymnasium's 4x4 FrozenLake without slipping: every move goes where it points."""
    import gymnasium as gym

    return gym.make(LAKE_ID, is_slippery=False)


def _cell(state: int, columns: int) -> str:
    row, column = divmod(int(state), columns)
    return f"row {row}, column {column}"


def _fewest_steps(env) -> int:
    """The length of the shortest way from the start to the goal, by breadth-first search on ``env.unwrapped.P``."""
    start, _ = env.reset(seed=0)
    table = env.unwrapped.P
    frontier, seen, steps = [int(start)], {int(start)}, 0
    while frontier:
        steps += 1
        following = []
        for state in frontier:
            for moves in table[state].values():
                for probability, t, reward, terminated in moves:
                    if probability > 0 and terminated and reward > 0:
                        return steps
                    if probability > 0 and not terminated and t not in seen:
                        seen.add(t)
                        following.append(t)
        frontier = following
    raise ValueError("the goal cannot be reached")  # pragma: no cover - the map has a way


def _walk(env, actions):
    """Follow ``actions`` (one per state) from the start: ``(ending, states)``.

    ``ending`` is ``"goal"``, ``"hole"``, ``"stays"`` (a move into the edge that leaves the agent
    where it is) or ``"loop"`` (back in a cell already visited). Moves are certain, so an agent
    back in a cell it has visited goes round the same way for ever.
    """
    state, _ = env.reset(seed=0)
    states = [int(state)]
    for _ in range(env.observation_space.n + 1):
        state, reward, terminated, truncated, _ = env.step(int(actions[state]))
        state = int(state)
        if terminated:
            return ("goal" if reward > 0 else "hole"), states + [state]
        if state == states[-1]:
            return "stays", states + [state]
        if state in states:
            return "loop", states + [state]
        states.append(state)
    return "loop", states  # pragma: no cover - a deterministic walk repeats a cell before this


@EXERCISES.exercise(
    "policy",
    title="Train an agent on a frozen lake and read off its greedy policy",
    hints=(
        "Train with `rl.q_learning(env, episodes=2000, gamma=..., seed=0)`. The only reward is the 1 paid at "
        "the goal: which `gamma` makes arriving sooner worth more than arriving later?",
        "Any `gamma` below 1 (0.9, 0.99) makes a reward k steps ahead worth `gamma**k`, so the shortest way "
        "has the highest values. The greedy policy takes, in each state (a row of `Q`), the position of the "
        "row's maximum.",
        "`run = rl.q_learning(env, episodes=2000, gamma=0.9, seed=0)`; `policy = run.Q.argmax(axis=1)`",
    ),
)
def policy(policy):
    """Follows ``policy`` greedily from the start of the lake without slipping: it must reach the goal in the
    fewest steps.

    Limitation, by design: the check judges the path, not how it was found. A shortest path written by
    hand passes without any training, and so, for a few generator seeds, does the greedy policy of a
    table trained with ``gamma = 1`` whose many ties are broken at random (``rl.greedy_policy(Q, rng=...)``),
    which walks a shortest way by luck. The check cannot see the discount; the exercise's statement and
    its worked solution carry the point about it.
    """
    env = _lake()
    n_states, n_actions = env.observation_space.n, env.action_space.n
    columns = env.unwrapped.desc.shape[1]
    shape = getattr(policy, "shape", None)
    if shape == (n_states, n_actions):
        raise Incorrect(f"`policy` has shape {shape}, a table per state and action (values or probabilities); "
                        f"one action per state, ({n_states},), is expected. Take the position of the maximum of "
                        "each row.")
    actions = as_vector(policy, name="policy", what=f"one action per state ({n_states})")
    if len(actions) == n_actions:
        raise Incorrect(f"`policy` has {n_actions} entries, one per action; one per state ({n_states}) is "
                        "expected. Take the maximum along each row of `Q`, not each column.")
    actions = as_labels(actions, name="policy", length=n_states, what=f"one action per state ({n_states})")
    if actions.min() < 0 or actions.max() >= n_actions:
        raise Incorrect(f"each entry of `policy` should be an action, a whole number from 0 to {n_actions - 1}.")
    ending, states = _walk(env, actions)
    steps = len(states) - 1
    where = _cell(states[-1], columns)
    if ending == "hole":
        raise Incorrect(f"following `policy` from the start, the agent falls into the hole at {where} after "
                        f"{steps} steps. Has it been trained, and does it take the best action of each state?")
    if ending == "stays":
        raise Incorrect(f"following `policy` from the start, move {steps} runs into the edge of the lake at "
                        f"{where}: the agent stays there for ever and never reaches the goal. Is it the greedy "
                        "policy (the best action of each row) of values that prefer arriving sooner?")
    if ending == "loop":
        raise Incorrect(f"following `policy` from the start, the agent is back at {where} after {steps} steps and "
                        "goes round the same loop for ever, never reaching the goal. Is it the "
                        "greedy policy (the best action of each row) of values that prefer arriving sooner?")
    fewest = _fewest_steps(env)
    if steps > fewest:
        raise Incorrect(f"following `policy`, the agent reaches the goal in {steps} steps, but a shorter way "
                        "exists. Do your agent's values prefer a reward that comes sooner?")
    return f"the agent reaches the goal in {steps} steps, the fewest possible, without a hole on the way."


@functools.lru_cache(maxsize=None)
def _trained_table(gamma: float):
    """The table of Q-learning on the lake for 2000 episodes with ``gamma`` (seed 0), computed once."""
    from mlkit.topics import reinforcement as rl

    return rl.q_learning(_lake(), episodes=2000, gamma=gamma, seed=0).Q


@policy.wrong_answer
def policy_undiscounted():
    """gamma = 1: every way that ever arrives is worth 1, and the greedy policy goes nowhere."""
    return Answer.of(_trained_table(1.0).argmax(axis=1))


@policy.wrong_answer
def policy_untrained_with_random_ties():
    """An untrained table of zeros, its ties broken at random: a random walk that falls into a hole."""
    import numpy as np

    from mlkit.topics import reinforcement as rl

    return Answer.of(rl.greedy_policy(np.zeros((16, 4)), rng=np.random.default_rng(2)))


@policy.wrong_answer
def policy_worst_action():
    return Answer.of(_trained_table(0.9).argmin(axis=1))


@policy.wrong_answer
def policy_wrong_axis():
    return Answer.of(_trained_table(0.9).argmax(axis=0))


@policy.wrong_answer
def policy_a_detour():
    """A way written by hand round the hole in the middle: right, right, down, down, left, down, right, right."""
    import numpy as np

    actions = np.zeros(16, dtype=int)
    for state, action in {0: 2, 1: 2, 2: 1, 6: 1, 10: 0, 9: 1, 13: 2, 14: 2}.items():
        actions[state] = action
    return Answer.of(actions)


# --- 6. a judgement ------------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "with no exploration the agent only learns about the headline it happens to favour first; a headline "
    "it never tries can never show that it is better. That is the greedy curve of the lesson.",
    "C": "always exploring never uses what was learned: every visitor sees a random headline, so the site "
    "gains nothing from the data it collects.",
    "D": "one showing per headline is far too few: with click rates of a few percent, most headlines get no "
    "click at all in a single try, and the choice is a lottery.",
}


@EXERCISES.exercise(
    "judgement",
    title="Balance exploration and exploitation",
    hints=(
        "What happens to a headline that the strategy never shows? Can its estimate ever improve?",
        "A good strategy tries every headline, and tries less as its estimates become certain.",
        "UCB explores where the estimates are still uncertain; an epsilon that shrinks over time explores less "
        "as they firm up.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="B", feedback=JUDGEMENT_FEEDBACK)
    return "explore enough to find the best headline, and less as the estimates firm up."


@judgement.wrong_answer
def judgement_pure_greedy():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_pure_exploration():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_try_once():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'B'", "Option B"]
