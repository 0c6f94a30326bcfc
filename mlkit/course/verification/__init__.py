"""The verification harness of the checks: does each check accept every right answer and refuse
the wrong ones?

A check is a test suite for the learner's code, and is as good as the answers it judges
correctly. For every exercise of a solution notebook the harness

1. runs the solution notebook in this process and captures the objects each check received
   (:mod:`.capture`);
2. offers the check *equivalent* forms of those objects — float32 for float64, a list for an
   array, an integral float for an integer, pandas dtype variants, a function whose results
   take those forms — each of which must pass (:mod:`.variants`);
3. mutates the solution's code (operators swapped, constants changed, a keyword argument or a
   term dropped, arguments swapped, train and test swapped) and re-runs the exercise with each
   mutant, which must be refused unless it gives the same answer as the solution on the
   check's inputs and on a battery of fresh inputs (:mod:`.mutants`, :mod:`.sameness`);
4. reports, per exercise and overall, variants accepted of generated and non-equivalent
   mutants killed (:mod:`.report`); ``mlkit exercises verify`` prints it.
"""
