"""The portal refuses to start with DEBUG off while the demo seed's accounts exist."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import connection

from demo.models import DemoAccount
from pledge_portal.startup import REFUSED_AT_START


@register(Tags.security, REFUSED_AT_START, deploy=True)
def no_demo_accounts_in_production(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    # Before the first migrate there is no table, and so no demo account.
    if DemoAccount._meta.db_table not in connection.introspection.table_names():
        return []
    if not DemoAccount.objects.exists():
        return []
    return [
        Error(
            "The demo seed's accounts are in this database, and DEBUG is off.",
            hint="The demo's data and logins are for trying the portal only. Use a database of its own"
            " for production, or set DEBUG=True to try the demo.",
            obj=DemoAccount,
            id="demo.E001",
        )
    ]
