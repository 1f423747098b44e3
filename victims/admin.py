from django.contrib import admin

from victims.models import ServiceProvider


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    """Reference data only: victims and their assistance are reached through the scoped pages."""

    list_display = ("name", "mission", "kind", "get_categories_display", "active")
    list_filter = ("mission", "kind", "active")
    search_fields = ("name",)
