"""python -m benchmarks [--guides N --sections N --languages N --json FILE ...] from the repository's root
(make benchmark). Django is set up here, with the development settings unless DJANGO_SETTINGS_MODULE says
otherwise: the benchmark creates demo accounts, which only development and test settings allow."""
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide_cms.settings.dev")
    import django

    django.setup()
    from benchmarks.command_line import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
