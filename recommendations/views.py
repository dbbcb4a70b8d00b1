from django.shortcuts import render

from recommendations import selectors


def source_detail(request, pk: int):
    return render(request, "recommendations/source_detail.html", {"page": selectors.source_page(source_id=pk)})


def recommendation_detail(request, pk: int):
    page = selectors.recommendation_page(recommendation_id=pk)
    return render(request, "recommendations/recommendation_detail.html", {"page": page})
