"""Admin of the board summaries: read-only (they change only through the services)."""

from django.contrib import admin

from finance.board.models import BoardEmail, BoardPack, BoardSummary


@admin.register(BoardSummary)
class BoardSummaryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "period", "version", "status", "built_at",
                    "signed_off_by_name", "signed_off_at"]
    list_filter = ["status", "year", "period"]
    readonly_fields = [f.name for f in BoardSummary._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BoardEmail)
class BoardEmailAdmin(admin.ModelAdmin):
    list_display = ["summary", "recipient", "sent_at"]
    readonly_fields = ["summary", "recipient", "sent_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(BoardPack)
class BoardPackAdmin(admin.ModelAdmin):
    list_display = ["summary", "kind", "status", "size_bytes", "finished_at"]
    exclude = ["data"]
    readonly_fields = ["summary", "kind", "pack_key", "status", "size_bytes", "error",
                       "finished_at"]

    def has_add_permission(self, request) -> bool:
        return False
