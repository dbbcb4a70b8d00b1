from django.shortcuts import render

from partners import selectors


def person_detail(request, pk: int):
    return render(request, "partners/person_detail.html", {"page": selectors.person_page(person_id=pk)})


def body_detail(request, pk: int):
    return render(request, "partners/body_detail.html", {"page": selectors.body_page(body_id=pk)})


def meeting_detail(request, pk: int):
    return render(request, "partners/meeting_detail.html", {"page": selectors.meeting_page(meeting_id=pk)})
