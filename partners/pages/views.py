"""The directory: people, organisations, bodies and their members.

Everyone signed in may read it; democratic support and admins manage it
(partners.access.directory_access). Each view looks up its object, checks that access,
validates a form, calls a service and redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from actionplans.kernel.forms import save_or_add_errors
from partners import services
from partners.access import directory_access, viewer_for
from partners.forms import BodyForm, MembershipForm, OrganisationForm, PersonForm
from partners.models import Body, Membership, Organisation, Person
from partners.pages import selectors


def _access(request, permission: str = "read"):
    viewer = viewer_for(request)
    access = directory_access(viewer)
    access.require(permission)
    return viewer, access


def _form_page(request, form, **context):
    return render(
        request,
        "partners/form_page.html",
        {"form": form, **context},
        status=400 if form.is_bound else 200,
    )


# --- Pages anyone signed in may read --------------------------------------------------------


@require_safe
def person_detail(request, pk: int):
    viewer, access = _access(request)
    person = get_object_or_404(Person.objects.with_organisation(), pk=pk)
    page = selectors.person_page(person=person, viewer=viewer)
    return render(request, "partners/person_detail.html", {"page": page, "access": access})


@require_safe
def body_detail(request, pk: int):
    viewer, access = _access(request)
    body = get_object_or_404(Body.objects.select_related("organisation"), pk=pk)
    page = selectors.body_page(body=body, viewer=viewer)
    return render(request, "partners/body_detail.html", {"page": page, "access": access})


@require_safe
def person_list(request):
    """Everyone in the directory, searchable by name, job title, organisation or role on a body (a GET form)."""
    viewer, access = _access(request)
    page = selectors.people_page(viewer=viewer, query=request.GET.get("q", ""), page_number=request.GET.get("page"))
    return render(request, "partners/person_list.html", {"page": page, "access": access})


@require_safe
def organisation_list(request):
    _, access = _access(request)
    return render(request, "partners/organisation_list.html", {"page": selectors.directory_page(), "access": access})


# --- People -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_create(request):
    _access(request, "edit")
    form = PersonForm(request.POST or None)
    if form.is_valid() and (person := save_or_add_errors(form, services.person_create, **form.cleaned_data)):
        messages.success(request, f"{person.display_name} has been added.")
        return redirect(person)
    return _form_page(
        request,
        form,
        title="Add a person",
        caption="People",
        submit="Add person",
        cancel_url=reverse("organisation_list"),
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    _access(request, "edit")
    person = get_object_or_404(Person, pk=pk)
    name = person.display_name
    form = PersonForm(request.POST or None, instance=person)
    if form.is_valid() and save_or_add_errors(form, services.person_update, person=person, **form.cleaned_data):
        messages.success(request, "The person's details have been saved.")
        return redirect(person)
    return _form_page(
        request, form, title=f"Edit {name}", caption="People", submit="Save", cancel_url=person.get_absolute_url()
    )


# --- Organisations ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def organisation_create(request):
    _access(request, "edit")
    form = OrganisationForm(request.POST or None)
    if form.is_valid() and (
        organisation := save_or_add_errors(form, services.organisation_create, **form.cleaned_data)
    ):
        messages.success(request, f"{organisation.name} has been added.")
        return redirect("organisation_list")
    return _form_page(
        request,
        form,
        title="Add an organisation",
        caption="Organisations",
        submit="Add organisation",
        cancel_url=reverse("organisation_list"),
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    _access(request, "edit")
    organisation = get_object_or_404(Organisation, pk=pk)
    name = organisation.name
    form = OrganisationForm(request.POST or None, instance=organisation)
    if form.is_valid() and save_or_add_errors(
        form, services.organisation_update, organisation=organisation, **form.cleaned_data
    ):
        messages.success(request, f"{organisation.name} has been saved.")
        return redirect("organisation_list")
    return _form_page(
        request,
        form,
        title=f"Edit {name}",
        caption="Organisations",
        submit="Save",
        cancel_url=reverse("organisation_list"),
    )


# --- Bodies and their members -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def body_create(request):
    _access(request, "edit")
    form = BodyForm(request.POST or None)
    if form.is_valid() and (body := save_or_add_errors(form, services.body_create, **form.cleaned_data)):
        messages.success(request, f"{body.name} has been added. Now add its members.")
        return redirect("body_members", pk=body.pk)
    return _form_page(
        request, form, title="Add a body", caption="Bodies", submit="Add body", cancel_url=reverse("organisation_list")
    )


@require_http_methods(["GET", "POST"])
def body_edit(request, pk: int):
    _access(request, "edit")
    body = get_object_or_404(Body, pk=pk)
    name = body.name
    form = BodyForm(request.POST or None, instance=body)
    if form.is_valid() and save_or_add_errors(form, services.body_update, body=body, **form.cleaned_data):
        messages.success(request, "The body has been saved.")
        return redirect(body)
    return _form_page(
        request, form, title=f"Edit {name}", caption="Bodies", submit="Save", cancel_url=body.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def body_members(request, pk: int):
    """The members of a body, each with links to change their role or remove them, and a form
    to add somebody."""
    _access(request, "edit")
    body = get_object_or_404(Body, pk=pk)
    form = MembershipForm(request.POST or None, body=body)
    if form.is_valid() and (
        membership := save_or_add_errors(form, services.membership_add, body=body, **form.cleaned_data)
    ):
        messages.success(
            request, f"{membership.person.display_name} has been added as {membership.get_role_display()}."
        )
        return redirect("body_members", pk=body.pk)
    context = {"body": body, "memberships": selectors.body_members(body=body), "form": form}
    return render(request, "partners/body_members.html", context, status=400 if form.is_bound else 200)


def _membership(body_pk: int, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("body", "person"), pk=pk, body_id=body_pk)


@require_http_methods(["GET", "POST"])
def membership_edit(request, body_pk: int, pk: int):
    _access(request, "edit")
    membership = _membership(body_pk, pk)
    form = MembershipForm(request.POST or None, instance=membership, body=membership.body)
    if form.is_valid() and save_or_add_errors(
        form, services.membership_update, membership=membership, **form.cleaned_data
    ):
        messages.success(request, f"The role of {membership.person.display_name} has been saved.")
        return redirect("body_members", pk=membership.body_id)
    return _form_page(
        request,
        form,
        title=f"Change the role of {membership.person.display_name}",
        caption=membership.body.name,
        submit="Save",
        cancel_url=reverse("body_members", args=[membership.body_id]),
    )


@require_http_methods(["GET", "POST"])
def membership_remove(request, body_pk: int, pk: int):
    _access(request, "edit")
    membership = _membership(body_pk, pk)
    if request.method == "POST":
        services.membership_remove(membership=membership)
        messages.success(request, f"{membership.person.display_name} has been removed from {membership.body.name}.")
        return redirect("body_members", pk=membership.body_id)
    return render(request, "partners/membership_remove.html", {"membership": membership})
