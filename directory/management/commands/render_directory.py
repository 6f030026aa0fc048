"""The old name of `build_directory`, kept for one release so that operators' cron jobs still work."""

from .build_directory import Command as BuildDirectoryCommand


class Command(BuildDirectoryCommand):
    help = "The old name of build_directory (renamed; this name goes in the next release)."

    def handle(self, *args, **options):
        self.stderr.write(
            self.style.WARNING(
                "render_directory is now called build_directory; the old name goes in the next release."
            )
        )
        super().handle(*args, **options)
