"""Thin views: authenticate, fetch the ticket, call a service."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tickets import services
from tickets.forms import SignupForm, TicketForm
from tickets.models import Ticket


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_register(username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        return redirect("login")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def ticket_list(request):
    # TODO(object-level): every customer sees every ticket.
    tickets = Ticket.objects.all()
    return render(request, "tickets/list.html", {"tickets": tickets})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = services.ticket_create(owner=request.user, **form.cleaned_data)
        return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/form.html", {"form": form})


@login_required
def ticket_detail(request, pk):
    # TODO(object-level): any logged-in customer can open any ticket by changing the id.
    ticket = get_object_or_404(Ticket, pk=pk)
    return render(request, "tickets/detail.html", {"ticket": ticket})


# TODO(csrf): this view changes data, yet it runs on GET (the page links to it) and is
# exempt from CSRF. And whose ticket is it closing?
@csrf_exempt
@login_required
def ticket_close(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    services.ticket_close(ticket=ticket)
    return redirect("tickets:detail", pk=ticket.pk)
