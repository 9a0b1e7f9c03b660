from django.apps import AppConfig


class KitchenConfig(AppConfig):
    name = "kitchen"
    label = "kitchen"
    # [project] default_auto_field = "big_auto"
    default_auto_field = "django.db.models.BigAutoField"
