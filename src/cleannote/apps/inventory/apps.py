from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "cleannote.apps.inventory"
    label = "inventory"

    def ready(self) -> None:
        from cleannote.apps.inventory.selectors import dispensed_for_notes
        from cleannote.apps.notes.supply_lines import DISPENSED_SUPPLIES

        DISPENSED_SUPPLIES.register(dispensed_for_notes)
