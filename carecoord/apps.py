from django.apps import AppConfig


class CarecoordConfig(AppConfig):
    name = "carecoord"
    verbose_name = "carecoord"
