from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Public directory"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the directory to the writers' signals
