"""`benchmark` is `run_benchmark` under its old name (scripts call it)."""
from .run_benchmark import Command as RunBenchmark


class Command(RunBenchmark):
    help = "The same as run_benchmark. " + RunBenchmark.help
