"""The benchmark of guide_cms and the throwaway task queue it (and the test suite) can start.

Not part of the product: it lives in the repository beside guide_cms/, is never installed
(pyproject.toml installs guide_cms* only), and nothing in guide_cms imports it. Run it from the
repository's root with `python -m benchmarks --help` or `make benchmark`.

- __main__, command_line: Django set up, the options, a run to its table;
- throwaway: the run's throwaway database and export folder;
- run: one run (its options, rows, facts) and measure();
- steps/: the measured steps, in order (steps.STEPS);
- library, cat_tool: the synthetic library, and a CAT tool's work on it;
- measuring: a row, and the instruments (SQL statements, password hashing, peak memory);
- goals, report: the goals met or missed, the JSON and the printed table;
- task_queue: Redis and Celery workers on this machine (--queue, and tests/publishing/test_task_queue.py).
"""
