from django.conf import settings


def tracker(request):
    """What every page shows: the service name, and the date the tracker is viewed as at."""
    return {
        "service_name": settings.TRACKER_SERVICE_NAME,
        "tracker_as_at": settings.TRACKER_AS_AT,
    }
