"""The health endpoints: /health/live for the process, /health/ready for everything it depends on."""

import asyncio
import logging
import secrets

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check import Cache, Database
from health_check.views import HealthCheckView

from .health import (
    BeatHeartbeat,
    BrokerConnection,
    DirectoryFreshness,
    FailedEmails,
    OutboxBacklog,
    WorkerSeen,
)

logger = logging.getLogger(__name__)


def check_name(check):
    return getattr(check, "name", type(check).__name__.lower())


class HealthView(HealthCheckView):
    """Run the checks and answer 200 or 503 in JSON.

    Anyone sees the status and the names of failing checks; staff, or a caller
    with HEALTH_CHECK_TOKEN as a bearer token, also see what each measured.
    """

    checks = ()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        failing = [check_name(result.check) for result in results if result.error]
        if failing:
            logger.warning("Health checks failing: %s", ", ".join(failing), extra={"failing": failing})
        body = {"status": "failing" if failing else "ok", "failing": failing}
        if await may_see_detail(request):
            body["checks"] = {check_name(result.check): detail(result) for result in results}
        return JsonResponse(body, status=503 if failing else 200)


def detail(result):
    reading = getattr(result.check, "reading", {})
    if result.error:
        status, message = "failing", {"message": result.error.message}
    elif getattr(result.check, "applies", True):
        status, message = "ok", {}
    else:
        status, message = "not applicable", {}
    return {"status": status, **message, **reading, "took_seconds": round(result.time_taken, 3)}


async def may_see_detail(request):
    return presents_token(request) or await is_staff(request)


def presents_token(request):
    """Whether the caller sent "Authorization: Bearer <HEALTH_CHECK_TOKEN>" (never true with no token set)."""
    token = settings.HEALTH_CHECK_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return secrets.compare_digest(presented.strip().encode(), token.encode())


async def is_staff(request):
    user = await request.auser()
    return user.is_active and user.is_staff


@never_cache
def live(request):
    """The process answers; nothing else is touched, so a load balancer can probe it every few seconds."""
    return JsonResponse({"status": "ok", "failing": []})


ready = HealthView.as_view(
    checks=(
        Database,
        Cache,
        BrokerConnection,
        OutboxBacklog,
        FailedEmails,
        DirectoryFreshness,
        BeatHeartbeat,
        WorkerSeen,
    )
)
