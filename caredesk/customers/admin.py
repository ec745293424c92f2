from __future__ import annotations

from django.contrib import admin

from caredesk.customers.models import Customer, Organisation, OrganisationDomain


class DomainInline(admin.TabularInline[OrganisationDomain, Organisation]):
    model = OrganisationDomain
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "tier", "vip"]
    inlines = [DomainInline]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["name", "organisation", "tier", "vip", "timezone"]
    list_filter = ["vip", "organisation"]
    search_fields = ["name", "addresses__address"]
