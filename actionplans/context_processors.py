from django.conf import settings


def tracker(request):
    return {"service_name": settings.TRACKER_SERVICE_NAME}
